//! A raw HTTP/1.1 server on a free loopback port for answers wiremock cannot
//! give: bodies streamed in chunks, endless bodies, a `Content-Length` that
//! lies.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server answers every request with.
#[derive(Clone)]
pub enum Answer {
    /// `Transfer-Encoding: chunked`, `chunk` written `count` times (`None`:
    /// until the client hangs up).
    Chunked {
        content_type: &'static str,
        chunk: Vec<u8>,
        count: Option<u64>,
    },
    /// A `Content-Length` header, then `body` (which may be shorter), then
    /// the connection stays open until the client hangs up.
    Announced {
        content_type: &'static str,
        content_length: u64,
        body: Vec<u8>,
    },
}

/// A running server: its address and how many body bytes it wrote.
pub struct RawServer {
    pub addr: SocketAddr,
    written: Arc<AtomicU64>,
}

impl RawServer {
    /// `http://127.0.0.1:port`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Body bytes written so far, over all connections.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

/// Starts a server answering every request with `answer`, status 200.
pub async fn start(answer: Answer) -> RawServer {
    start_with_status(200, answer).await
}

/// Starts a server answering every request with `status` and `answer`.
pub async fn start_with_status(status: u16, answer: Answer) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let written = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&written);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let answer = answer.clone();
            let counter = Arc::clone(&counter);
            // a connection that fails (the client hung up) just ends
            tokio::spawn(async move { drop(serve(stream, status, answer, counter).await) });
        }
    });
    RawServer { addr, written }
}

async fn serve(
    mut stream: TcpStream,
    status: u16,
    answer: Answer,
    written: Arc<AtomicU64>,
) -> std::io::Result<()> {
    read_request_head(&mut stream).await?;
    match answer {
        Answer::Chunked {
            content_type,
            chunk,
            count,
        } => {
            let head = format!(
                "HTTP/1.1 {status} Status\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(&chunk);
            framed.extend_from_slice(b"\r\n");
            let mut sent = 0;
            while count.is_none_or(|count| sent < count) {
                stream.write_all(&framed).await?;
                written.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                sent += 1;
            }
            stream.write_all(b"0\r\n\r\n").await?;
        }
        Answer::Announced {
            content_type,
            content_length,
            body,
        } => {
            let head = format!(
                "HTTP/1.1 {status} Status\r\nContent-Type: {content_type}\r\nContent-Length: {content_length}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            written.fetch_add(body.len() as u64, Ordering::SeqCst);
        }
    }
    // hold the connection until the client closes it
    let mut sink = [0u8; 1024];
    while stream.read(&mut sink).await? > 0 {}
    Ok(())
}

/// Reads up to the blank line ending the request head (the tests send no
/// request bodies to this server).
async fn read_request_head(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(())
}
