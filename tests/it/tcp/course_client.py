# The course's TCP client, written the way the course writes it: each line typed is sent with
# input().encode() (no newline), the answer read with recv(1024), and "##" from either side
# ends the conversation.
# Usage: python3 -u course_client.py PORT [ENCODING]
import sys
from socket import *

HOST = '127.0.0.1'
PORT = int(sys.argv[1])
CODING = sys.argv[2] if len(sys.argv) > 2 else 'utf-8'

sockfd = socket(AF_INET, SOCK_STREAM)
sockfd.connect((HOST, PORT))

while True:
    msg = input('Send: ')
    sockfd.send(msg.encode(CODING))
    if msg == '##':
        break
    data = sockfd.recv(1024)
    print('Receive:', data.decode(CODING))
    if data.decode(CODING) == '##':
        break
sockfd.close()
print('Client done')
