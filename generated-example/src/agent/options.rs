//! The command line, in qemu-ga's syntax where the two overlap: `-m METHOD`, `-p PATH`,
//! `-l LOGFILE`, `-f PIDFILE`, `-t STATEDIR`, `-b LIST` (repeatable), `-v`, `-V`, `-h`, with
//! the long forms (`--method=unix-listen` or `--method unix-listen`) and attached short
//! values (`-munix-listen`).

use std::path::PathBuf;

/// The help text of `-h`.
pub const USAGE: &str = "\
Usage: example-agent [-m <method> -p <path>] [<options>]
A QEMU guest agent for Linux, built on qapi-gen's generated code.

  -m, --method      transport method: one of unix-listen, virtio-serial, or
                    isa-serial (virtio-serial is the default)
  -p, --path        device/socket path (the default for virtio-serial is
                    /dev/virtio-ports/org.qemu.guest_agent.0,
                    the default for isa-serial is /dev/ttyS0)
  -l, --logfile     set logfile path, logs to stderr by default
  -f, --pidfile     specify pidfile (default is none)
  -t, --statedir    specify dir to store state information (absolute paths
                    only, default is /var/run)
  -v, --verbose     log extra debugging information
  -V, --version     print version information and exit
  -b, --block-rpcs  comma-separated list of RPCs to disable (no spaces,
                    use \"help\" to list available RPCs)
  -h, --help        display this help and exit
";

/// How the agent talks to its client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A unix socket the agent listens on, one client at a time.
    UnixListen,
    /// A virtio-serial port, a character device.
    VirtioSerial,
    /// A serial port, a character device set to raw mode.
    IsaSerial,
}

impl Method {
    /// The path used when `-p` is not given, if the method has one.
    pub fn default_path(self) -> Option<&'static str> {
        match self {
            Method::UnixListen => None,
            Method::VirtioSerial => Some("/dev/virtio-ports/org.qemu.guest_agent.0"),
            Method::IsaSerial => Some("/dev/ttyS0"),
        }
    }
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invocation {
    /// Run the agent.
    Run(Options),
    /// Print the help (`-h`).
    Help,
    /// Print the version (`-V`).
    Version,
    /// List the commands that may be blocked (`-b help` or `-b ?`).
    ListCommands,
}

/// The options of an agent run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The transport.
    pub method: Method,
    /// The socket or device.
    pub path: PathBuf,
    /// Where to log (stderr when `None`).
    pub logfile: Option<PathBuf>,
    /// The pid file, written at start and removed at exit.
    pub pidfile: Option<PathBuf>,
    /// The state directory.
    pub statedir: PathBuf,
    /// Debug logging.
    pub verbose: bool,
    /// The commands to disable.
    pub blocked: Vec<String>,
}

/// Parses the arguments after the program name; `Err` is the message to print.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Invocation, String> {
    let mut method = Method::VirtioSerial;
    let mut path = None;
    let mut logfile = None;
    let mut pidfile = None;
    let mut statedir = PathBuf::from("/var/run");
    let mut verbose = false;
    let mut blocked: Vec<String> = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, attached) = split_option(&arg)?;
        let mut value = || -> Result<String, String> {
            match &attached {
                Some(value) => Ok(value.clone()),
                None => args
                    .next()
                    .ok_or_else(|| format!("option '{arg}' requires an argument")),
            }
        };
        match name.as_str() {
            "m" | "method" => {
                method = match value()?.as_str() {
                    "unix-listen" => Method::UnixListen,
                    "virtio-serial" => Method::VirtioSerial,
                    "isa-serial" => Method::IsaSerial,
                    other => return Err(format!("invalid method: {other}")),
                }
            }
            "p" | "path" => path = Some(PathBuf::from(value()?)),
            "l" | "logfile" => logfile = Some(PathBuf::from(value()?)),
            "f" | "pidfile" => pidfile = Some(PathBuf::from(value()?)),
            "t" | "statedir" => statedir = PathBuf::from(value()?),
            "b" | "block-rpcs" | "blacklist" => {
                let list = value()?;
                if list == "help" || list == "?" {
                    return Ok(Invocation::ListCommands);
                }
                blocked.extend(
                    list.split(',')
                        .filter(|name| !name.is_empty())
                        .map(str::to_owned),
                );
            }
            "v" | "verbose" => no_value(&arg, &attached, || verbose = true)?,
            "V" | "version" => {
                return no_value(&arg, &attached, || ()).map(|()| Invocation::Version)
            }
            "h" | "help" => return no_value(&arg, &attached, || ()).map(|()| Invocation::Help),
            _ => return Err(format!("unrecognized option '{arg}'")),
        }
    }
    let path = match path.or_else(|| method.default_path().map(PathBuf::from)) {
        Some(path) => path,
        None => return Err("must specify a path for this channel (-p)".to_owned()),
    };
    Ok(Invocation::Run(Options {
        method,
        path,
        logfile,
        pidfile,
        statedir,
        verbose,
        blocked,
    }))
}

/// `-x`, `-xVALUE`, `--long`, `--long=VALUE` into the name and an attached value.
fn split_option(arg: &str) -> Result<(String, Option<String>), String> {
    if let Some(long) = arg.strip_prefix("--") {
        return Ok(match long.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (long.to_owned(), None),
        });
    }
    let Some(short) = arg.strip_prefix('-') else {
        return Err(format!("unexpected argument '{arg}'"));
    };
    let mut chars = short.chars();
    let Some(letter) = chars.next() else {
        return Err(format!("unexpected argument '{arg}'"));
    };
    let rest = chars.as_str();
    Ok((
        letter.to_string(),
        (!rest.is_empty()).then(|| rest.to_owned()),
    ))
}

fn no_value(arg: &str, attached: &Option<String>, then: impl FnOnce()) -> Result<(), String> {
    match attached {
        Some(_) => Err(format!("option '{arg}' doesn't allow an argument")),
        None => {
            then();
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Invocation, String> {
        parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn qemu_ga_command_line() {
        assert_eq!(
            parse_line("-m unix-listen -p /tmp/s -t /tmp/d -f /tmp/d/pid -l /tmp/d/log -b guest-shutdown,guest-fstrim -v"),
            Ok(Invocation::Run(Options {
                method: Method::UnixListen,
                path: PathBuf::from("/tmp/s"),
                logfile: Some(PathBuf::from("/tmp/d/log")),
                pidfile: Some(PathBuf::from("/tmp/d/pid")),
                statedir: PathBuf::from("/tmp/d"),
                verbose: true,
                blocked: vec!["guest-shutdown".to_owned(), "guest-fstrim".to_owned()],
            }))
        );
    }

    #[test]
    fn long_and_attached_forms() {
        let Ok(Invocation::Run(options)) =
            parse_line("--method=isa-serial -p/dev/ttyS1 --block-rpcs a -bb --blacklist=c,,d")
        else {
            panic!("not a run");
        };
        assert_eq!(options.method, Method::IsaSerial);
        assert_eq!(options.path, PathBuf::from("/dev/ttyS1"));
        assert_eq!(options.blocked, ["a", "b", "c", "d"]);
        assert_eq!(options.statedir, PathBuf::from("/var/run"));
        let Ok(Invocation::Run(options)) = parse_line("") else {
            panic!("not a run");
        };
        assert_eq!(options.method, Method::VirtioSerial);
        assert_eq!(
            options.path,
            PathBuf::from("/dev/virtio-ports/org.qemu.guest_agent.0")
        );
    }

    #[test]
    fn information_and_errors() {
        assert_eq!(parse_line("-V"), Ok(Invocation::Version));
        assert_eq!(parse_line("--help"), Ok(Invocation::Help));
        assert_eq!(parse_line("-b help"), Ok(Invocation::ListCommands));
        assert_eq!(
            parse_line("-m unix-listen"),
            Err("must specify a path for this channel (-p)".to_owned())
        );
        assert_eq!(parse_line("-m tcp"), Err("invalid method: tcp".to_owned()));
        assert_eq!(
            parse_line("-p"),
            Err("option '-p' requires an argument".to_owned())
        );
        assert_eq!(parse_line("-x"), Err("unrecognized option '-x'".to_owned()));
        assert_eq!(
            parse_line("--verbose=1"),
            Err("option '--verbose=1' doesn't allow an argument".to_owned())
        );
        assert_eq!(
            parse_line("stray"),
            Err("unexpected argument 'stray'".to_owned())
        );
    }
}
