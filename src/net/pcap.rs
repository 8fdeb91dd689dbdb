//! pcap capture files (the format `tcpdump -w` writes and `tcpdump -r` reads), through the
//! `pcap-file` crate: a writer that buffers, and a reader that yields each frame with its time.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::time::Duration;

use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};

use crate::error::{Error, Result};
use crate::model::packet::LinkType;

/// The largest frame kept, as tcpdump's default snapshot length.
pub const SNAPLEN: u32 = 262_144;

/// A pcap file being written.
pub struct Writer {
    inner: PcapWriter<BufWriter<File>>,
    path: String,
}

impl Writer {
    /// Create `path` for frames of link type `link`.
    pub fn create(path: &Path, link: LinkType) -> Result<Self> {
        let name = path.display().to_string();
        let file = File::create(path).map_err(|e| Error::io(format!("create {name}"), e))?;
        let header = PcapHeader {
            snaplen: SNAPLEN,
            datalink: DataLink::from(link.pcap_number()),
            ..PcapHeader::default()
        };
        let inner = PcapWriter::with_header(BufWriter::with_capacity(1 << 20, file), header)
            .map_err(|e| Error::other(format!("write {name}: {e}")))?;
        Ok(Self { inner, path: name })
    }

    /// Append one frame captured at `time` (since the epoch) that was `length` bytes long.
    pub fn write(&mut self, time: Duration, length: usize, frame: &[u8]) -> Result<()> {
        let length = u32::try_from(length).unwrap_or(u32::MAX);
        self.inner
            .write_packet(&PcapPacket::new(time, length, frame))
            .map_err(|e| Error::other(format!("write {}: {e}", self.path)))?;
        Ok(())
    }

    /// Flush what is buffered to the file.
    pub fn finish(self) -> Result<()> {
        use std::io::Write as _;
        let path = self.path;
        self.inner
            .into_writer()
            .flush()
            .map_err(|e| Error::io(format!("write {path}"), e))
    }
}

/// A pcap file being read.
pub struct Reader {
    inner: PcapReader<BufReader<File>>,
    /// How its frames begin.
    pub link: LinkType,
    path: String,
}

/// One frame read from a file.
pub struct FileFrame {
    /// When it was captured, since the epoch.
    pub time: Duration,
    /// Its length on the wire.
    pub length: usize,
    /// The bytes kept.
    pub data: Vec<u8>,
}

impl Reader {
    /// Open `path`; its link type must be one nettool decodes.
    pub fn open(path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|e| Error::io(format!("open {name}"), e))?;
        let inner = PcapReader::new(BufReader::new(file))
            .map_err(|e| Error::invalid(&name, format!("not a pcap file: {e}")))?;
        let number = u32::from(inner.header().datalink);
        let link = LinkType::from_pcap(number).ok_or_else(|| {
            Error::invalid(
                &name,
                format!("link type {number} is not one nettool decodes (Ethernet, loopback, Linux cooked, raw IP)"),
            )
        })?;
        Ok(Self {
            inner,
            link,
            path: name,
        })
    }

    /// The next frame, `None` at the end of the file.
    pub fn next_frame(&mut self) -> Result<Option<FileFrame>> {
        match self.inner.next_packet() {
            None => Ok(None),
            Some(Err(e)) => Err(Error::invalid(
                &self.path,
                format!("damaged pcap file: {e}"),
            )),
            Some(Ok(p)) => Ok(Some(FileFrame {
                time: p.timestamp,
                length: p.orig_len as usize,
                data: p.data.into_owned(),
            })),
        }
    }
}
