//! A guest-agent client built only on the typed stubs `qga-schema` generates
//! ([`qga_schema::Client`]), in the spirit of QEMU's `qemu-ga-client`.
//!
//! - [`connect`] opens a Unix or TCP connection and synchronises with `guest-sync-delimited`;
//! - [`ops`]: one function per thing the client does (`info`, `cat`, `exec`, ...), returning
//!   typed results;
//! - [`render`]: those results as text for people or as JSON;
//! - [`cli`]: the `example-client` command line;
//! - [`tour`]: what `cargo run -p generated-example` shows; it starts its agent with the
//!   `qga-process` crate, as the tests do.
//!
//! Only read-only commands and the file and exec commands are offered: the client never sends
//! the commands that change the system (shutdown, suspend, freeze, trim, set-time, set-vcpus,
//! set-memory-blocks, set-user-password).

pub mod cli;
pub mod ops;
pub mod render;
pub mod tour;

#[cfg(test)]
mod fake;

use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use qapi_runtime::client::{Timeouts, Transport};
use qapi_runtime::ClientError;

/// The typed client this module drives.
pub type AgentClient = qga_schema::Client<qapi_runtime::client::Client<Stream>>;

/// Where the agent listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// A Unix socket (`PATH` or `unix:PATH`).
    Unix(PathBuf),
    /// A TCP endpoint (`tcp:HOST:PORT`), kept as `HOST:PORT`.
    Tcp(String),
}

impl Address {
    /// Reads `PATH`, `unix:PATH` or `tcp:HOST:PORT`.
    pub fn parse(text: &str) -> Result<Address, String> {
        if let Some(endpoint) = text.strip_prefix("tcp:") {
            let valid = endpoint
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            if !valid {
                return Err(format!(
                    "invalid TCP address '{text}': expected tcp:HOST:PORT"
                ));
            }
            return Ok(Address::Tcp(endpoint.to_owned()));
        }
        let path = text.strip_prefix("unix:").unwrap_or(text);
        if path.is_empty() {
            return Err("the socket path is empty".to_owned());
        }
        Ok(Address::Unix(PathBuf::from(path)))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Unix(path) => write!(f, "{}", path.display()),
            Address::Tcp(endpoint) => write!(f, "tcp:{endpoint}"),
        }
    }
}

/// A connection to an agent over either kind of socket, so that one client type serves both.
#[derive(Debug)]
pub enum Stream {
    /// A Unix socket.
    Unix(UnixStream),
    /// A TCP connection.
    Tcp(TcpStream),
}

impl Read for Stream {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(stream) => stream.read(buffer),
            Stream::Tcp(stream) => stream.read(buffer),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(stream) => stream.write(bytes),
            Stream::Tcp(stream) => stream.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Unix(stream) => stream.flush(),
            Stream::Tcp(stream) => stream.flush(),
        }
    }
}

impl Transport for Stream {
    fn apply_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(stream) => stream.apply_read_timeout(timeout),
            Stream::Tcp(stream) => stream.apply_read_timeout(timeout),
        }
    }

    fn apply_write_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(stream) => stream.apply_write_timeout(timeout),
            Stream::Tcp(stream) => stream.apply_write_timeout(timeout),
        }
    }
}

/// Why something the client did failed. The messages say which side failed: the connection,
/// the protocol, the agent (a QAPI error reply) or this machine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The socket could not be opened.
    #[error("cannot connect to the agent at {address}: {source}")]
    Connect {
        /// Where the agent was expected.
        address: Address,
        /// Why the connection failed.
        source: io::Error,
    },
    /// A command failed; see [`describe_client_error`] for the message.
    #[error("{command}: {}", describe_client_error(.source))]
    Command {
        /// The QAPI command (`guest-file-open`, ...) or `guest-sync-delimited` for the
        /// synchronisation.
        command: &'static str,
        /// What went wrong.
        source: ClientError,
    },
    /// The agent sent base64 that does not decode.
    #[error("{command}: protocol error: the agent sent invalid {member}: {source}")]
    Base64 {
        /// The command that returned it.
        command: &'static str,
        /// The member holding it (`buf-b64`, `out-data`, ...).
        member: &'static str,
        /// Why it does not decode.
        source: crate::base64::DecodeError,
    },
    /// The agent's answers do not add up (a write that wrote less than asked, ...).
    #[error("{command}: protocol error: {reason}")]
    Inconsistent {
        /// The command whose answer is wrong.
        command: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A file on this machine could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Local {
        /// The local file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The program `exec` ran did not finish in time.
    #[error("guest-exec-status: the program (pid {pid}) still runs after {waited:?}")]
    ExecTimeout {
        /// The program's process id in the guest.
        pid: i64,
        /// How long the client waited.
        waited: Duration,
    },
}

impl Error {
    /// Whether the agent itself reported the failure (a QAPI error reply), as opposed to the
    /// connection, the protocol or this machine.
    pub fn is_qapi(&self) -> bool {
        matches!(
            self,
            Error::Command {
                source: ClientError::Qapi(_),
                ..
            }
        )
    }

    /// Whether the connection or the protocol failed (transport errors, malformed replies).
    pub fn is_transport(&self) -> bool {
        match self {
            Error::Connect { .. } | Error::Base64 { .. } | Error::Inconsistent { .. } => true,
            Error::Command { source, .. } => {
                !matches!(source, ClientError::Qapi(_) | ClientError::Arguments { .. })
            }
            Error::Local { .. } | Error::ExecTimeout { .. } => false,
        }
    }
}

/// A [`ClientError`] in words that name its side: `transport error: ...`, `protocol error:
/// ...` or `the agent reported CLASS: DESC`.
pub fn describe_client_error(error: &ClientError) -> String {
    match error {
        ClientError::Io(_) | ClientError::Timeout | ClientError::Closed => {
            format!("transport error: {error}")
        }
        // The runtime's message already starts with "protocol error".
        ClientError::Protocol(_) => error.to_string(),
        ClientError::Qapi(qapi) => format!("the agent reported {}: {}", qapi.class, qapi.desc),
        ClientError::Arguments { .. } => error.to_string(),
    }
}

/// Connects to the agent at `address`, applies `timeouts`, and synchronises
/// (`guest-sync-delimited`) so that nothing an earlier client left behind is taken for a reply.
pub fn connect(address: &Address, timeouts: Timeouts) -> Result<AgentClient, Error> {
    let connect_error = |source| Error::Connect {
        address: address.clone(),
        source,
    };
    let stream = match address {
        Address::Unix(path) => Stream::Unix(UnixStream::connect(path).map_err(connect_error)?),
        Address::Tcp(endpoint) => {
            Stream::Tcp(TcpStream::connect(endpoint.as_str()).map_err(connect_error)?)
        }
    };
    let mut runtime = qapi_runtime::client::Client::new(stream);
    runtime.set_timeouts(timeouts);
    runtime.sync().map_err(|source| Error::Command {
        command: "guest-sync-delimited",
        source,
    })?;
    Ok(qga_schema::Client::new(runtime))
}

#[cfg(test)]
mod tests {
    use super::*;
    use qapi_runtime::QapiError;

    #[test]
    fn addresses_parse() {
        assert_eq!(
            Address::parse("/run/qga.sock"),
            Ok(Address::Unix(PathBuf::from("/run/qga.sock")))
        );
        assert_eq!(
            Address::parse("unix:/run/qga.sock"),
            Ok(Address::Unix(PathBuf::from("/run/qga.sock")))
        );
        assert_eq!(
            Address::parse("tcp:localhost:4444"),
            Ok(Address::Tcp("localhost:4444".to_owned()))
        );
        assert_eq!(
            Address::parse("tcp:[::1]:4444"),
            Ok(Address::Tcp("[::1]:4444".to_owned()))
        );
        assert_eq!(
            Address::parse("tcp:localhost"),
            Err("invalid TCP address 'tcp:localhost': expected tcp:HOST:PORT".to_owned())
        );
        assert_eq!(
            Address::parse("tcp::4444"),
            Err("invalid TCP address 'tcp::4444': expected tcp:HOST:PORT".to_owned())
        );
        assert_eq!(
            Address::parse("unix:"),
            Err("the socket path is empty".to_owned())
        );
        assert_eq!(
            Address::Tcp("h:1".to_owned()).to_string(),
            "tcp:h:1".to_owned()
        );
    }

    #[test]
    fn messages_name_the_failing_side() {
        let qapi = Error::Command {
            command: "guest-file-open",
            source: QapiError::generic("failed to open file '/x' (mode: 'r')").into(),
        };
        assert_eq!(
            qapi.to_string(),
            "guest-file-open: the agent reported GenericError: failed to open file '/x' (mode: 'r')"
        );
        assert!(qapi.is_qapi());
        assert!(!qapi.is_transport());

        let closed = Error::Command {
            command: "guest-info",
            source: ClientError::Closed,
        };
        assert_eq!(
            closed.to_string(),
            "guest-info: transport error: the peer closed the connection"
        );
        assert!(closed.is_transport());
        assert!(!closed.is_qapi());

        let timeout = Error::Command {
            command: "guest-sync-delimited",
            source: ClientError::Timeout,
        };
        assert_eq!(
            timeout.to_string(),
            "guest-sync-delimited: transport error: timed out waiting for the peer"
        );

        let protocol = Error::Command {
            command: "guest-info",
            source: qapi_runtime::ProtocolError::Json("trailing comma".to_owned()).into(),
        };
        assert_eq!(
            protocol.to_string(),
            "guest-info: protocol error: malformed JSON from the peer: trailing comma"
        );
        assert!(protocol.is_transport());

        let connect = Error::Connect {
            address: Address::Unix(PathBuf::from("/nonexistent/sock")),
            source: io::Error::from(io::ErrorKind::NotFound),
        };
        assert_eq!(
            connect.to_string(),
            "cannot connect to the agent at /nonexistent/sock: entity not found"
        );
    }
}
