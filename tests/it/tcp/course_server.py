# The course's TCP server, written the way the course writes it: one client at a time, each
# message read with recv(1024) and answered with input().encode() (no newline), "##" from
# either side ends the conversation, and the server then waits for the next client.
# Usage: python3 -u course_server.py PORT [ENCODING]
import sys
from socket import *

HOST = '127.0.0.1'
PORT = int(sys.argv[1])
CODING = sys.argv[2] if len(sys.argv) > 2 else 'utf-8'

sockfd = socket(AF_INET, SOCK_STREAM)
sockfd.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
sockfd.bind((HOST, PORT))
sockfd.listen(5)

while True:
    print('Waiting for connect...')
    connfd, addr = sockfd.accept()
    print('Connect from', addr)
    while True:
        data = connfd.recv(1024)
        if not data:
            break
        msg = data.decode(CODING)
        print('Receive:', msg)
        if msg == '##':
            break
        reply = input('Send: ')
        connfd.send(reply.encode(CODING))
        if reply == '##':
            break
    connfd.close()
