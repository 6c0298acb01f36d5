//! Starting `airace serve` for a test and talking HTTP to it with nothing
//! but the standard library (`tests/serve.rs`, `tests/serve_browser.rs`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The `airace` to serve with: the test build, or the one `AIRACE_SERVE_BIN`
/// names (e.g. `target/release/airace`, to measure the release build's speed).
pub fn binary() -> std::path::PathBuf {
    std::env::var_os("AIRACE_SERVE_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_airace").into())
}

/// A running `airace serve`, stopped (by its process id) when dropped.
pub struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    pub url: String,
}

impl Server {
    /// Starts `airace serve ARGS --port 0` in the crate's folder and reads
    /// the URL it prints.
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(binary())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("airace starts");
        let mut first = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .to_string();
        let address = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Server {
            child,
            address,
            url,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        request(&self.address, "GET", path, None)
    }

    pub fn post(&self, path: &str, body: &serde_json::Value) -> Reply {
        request(
            &self.address,
            "POST",
            path,
            Some(body.to_string().as_bytes()),
        )
    }

    pub fn post_bytes(&self, path: &str, body: &[u8]) -> Reply {
        request(&self.address, "POST", path, Some(body))
    }

    /// Sends SIGINT (as Ctrl-C does) to this server.
    pub fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The lines of a streamed answer, as JSON.
    pub fn lines(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// Starts a request and returns the connection, for reading a stream as it
/// comes.
pub fn open(address: &str, method: &str, path: &str, body: Option<&[u8]>) -> TcpStream {
    let mut stream = TcpStream::connect(address).unwrap();
    let body = body.unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    stream
}

/// One whole request and answer (HTTP/1.1, chunked answers decoded).
pub fn request(address: &str, method: &str, path: &str, body: Option<&[u8]>) -> Reply {
    let mut stream = open(address, method, path, body);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

pub fn parse(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer has headers");
    let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = headers.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
}

/// `airace run FILE` into a fresh folder; its `summary.json` and the folder.
pub fn airace_run(toml: &str, name: &str) -> (serde_json::Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.toml"));
    std::fs::write(&file, toml).unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_airace"))
        .arg("run")
        .arg(&file)
        .arg("--quiet")
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let summary = std::fs::read(out.join(name).join("summary.json")).unwrap();
    (serde_json::from_slice(&summary).unwrap(), dir)
}
