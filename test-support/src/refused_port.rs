//! A loopback address where every connection is refused, for as long as the
//! returned value lives.
//!
//! Picking a free port and closing it leaves a window in which another test
//! (a redis-server, a mock server) may start listening there. A socket that
//! is bound but never listens holds the port instead: nobody else can bind
//! it, and the kernel refuses every connection to it.

use std::net::SocketAddr;

use tokio::net::TcpSocket;

/// A bound, never listening, loopback socket.
pub struct RefusedPort {
    _socket: TcpSocket,
    addr: SocketAddr,
}

impl RefusedPort {
    /// Binds a fresh loopback port without listening on it.
    pub fn bind() -> RefusedPort {
        let socket = TcpSocket::new_v4().expect("a TCP socket");
        socket
            .bind(([127, 0, 0, 1], 0).into())
            .expect("a loopback port");
        let addr = socket.local_addr().expect("a bound address");
        RefusedPort {
            _socket: socket,
            addr,
        }
    }

    /// The address connections to which are refused.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}
