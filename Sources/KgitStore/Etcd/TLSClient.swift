#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import COpenSSL

/// How to reach etcd over TLS (`https://` endpoints): the CA that signed etcd's serving certificate and,
/// when etcd requires client certificates (`--client-cert-auth`), this client's certificate and key. The
/// files are PEM, as `etcdctl --cacert --cert --key` take them.
public struct EtcdTLS: Sendable, Hashable {
    /// CA certificates that may sign etcd's certificate; nil trusts the system's CAs.
    public var caFile: String?
    /// The client certificate (chain) to present, or nil for none.
    public var certFile: String?
    /// The client certificate's private key; required with `certFile`.
    public var keyFile: String?

    /// Creates TLS settings from PEM file paths.
    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }
}

/// An OpenSSL client context built once from `EtcdTLS` and shared by every connection of an `EtcdStore`:
/// TLS 1.2 or later, the peer's certificate verified against the CA and matched against the endpoint's
/// host name or IP address.
final class TLSClientContext: @unchecked Sendable {
    private let context: OpaquePointer

    /// Loads the files; throws `.invalidRequest` naming the file that could not be used and why.
    ///
    /// OpenSSL writes to the socket with write(2), which raises SIGPIPE when etcd has already closed the
    /// connection (after refusing a certificate, say); SIGPIPE is ignored process-wide from here on, as
    /// SwiftNIO does, so that is an error for the request rather than the end of the process.
    init(_ settings: EtcdTLS) throws {
        signal(SIGPIPE, SIG_IGN)
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw StoreError.invalidRequest("etcd TLS: cannot create a TLS context: \(Self.lastError())")
        }
        self.context = context
        _ = kgit_ssl_ctx_set_min_tls12(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let ca = settings.caFile {
            guard SSL_CTX_load_verify_locations(context, ca, nil) == 1 else {
                throw StoreError.invalidRequest("etcd TLS: cannot load CA certificates from \(ca): \(Self.lastError())")
            }
        } else {
            SSL_CTX_set_default_verify_paths(context)
        }
        switch (settings.certFile, settings.keyFile) {
        case (nil, nil):
            break
        case (let cert?, let key?):
            guard SSL_CTX_use_certificate_chain_file(context, cert) == 1 else {
                throw StoreError.invalidRequest("etcd TLS: cannot load the client certificate \(cert): \(Self.lastError())")
            }
            guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                let why = Self.lastError()
                if why.contains("mismatch") {
                    throw StoreError.invalidRequest("etcd TLS: the key \(key) does not belong to the certificate \(cert)")
                }
                throw StoreError.invalidRequest("etcd TLS: cannot load the client key \(key): \(why)")
            }
            guard SSL_CTX_check_private_key(context) == 1 else {
                throw StoreError.invalidRequest("etcd TLS: the key \(key) does not belong to the certificate \(cert)")
            }
        case (_?, nil):
            throw StoreError.invalidRequest("etcd TLS: a client certificate needs its key (--etcd-key)")
        case (nil, _?):
            throw StoreError.invalidRequest("etcd TLS: a client key needs its certificate (--etcd-cert)")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// Runs the TLS handshake on the connected socket `fd`, verifying the server as `host`. Throws a message
    /// that says why the server was not trusted (wrong CA, wrong name, expired) or why the handshake failed.
    func handshake(fd: Int32, host: String) throws -> TLSSession {
        ERR_clear_error()
        guard let ssl = SSL_new(context) else { throw TLSFailure("cannot create a TLS session: \(Self.lastError())") }
        let session = TLSSession(ssl)
        SSL_set_fd(ssl, fd)
        let param = SSL_get0_param(ssl)
        var probe = in_addr()
        if inet_pton(AF_INET, host, &probe) == 1 {
            X509_VERIFY_PARAM_set1_ip_asc(param, host)
        } else {
            X509_VERIFY_PARAM_set1_host(param, host, 0)
            _ = kgit_ssl_set_server_name(ssl, host)
        }
        if SSL_connect(ssl) != 1 {
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                let why = String(cString: X509_verify_cert_error_string(verify))
                throw TLSFailure("the server's certificate is not trusted: \(why) (check the CA file, --etcd-cacert)")
            }
            let detail = Self.lastError()
            throw TLSFailure(
                detail.isEmpty ? "the server closed the connection during the handshake (\(String(cString: strerror(errno))))"
                    : detail)
        }
        return session
    }

    /// The oldest queued OpenSSL error as text (and clears the queue), or "" when none.
    static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        if code == 0 { return "" }
        var buffer = [UInt8](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { ERR_error_string_n(code, $0.baseAddress, $0.count) }
        }
        let text = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        // "error:0A000086:SSL routines::certificate verify failed": the reason is what follows the fourth colon.
        let parts = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        return parts.count == 5 ? String(parts[4]) : text
    }
}

/// Why a TLS handshake or exchange failed.
struct TLSFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One TLS connection's state; reads and writes go through it instead of the socket.
final class TLSSession {
    private let ssl: OpaquePointer

    init(_ ssl: OpaquePointer) { self.ssl = ssl }

    deinit { SSL_free(ssl) }

    /// Reads up to `count` bytes; 0 at the end of the stream. Throws `TLSFailure` (with errno's text for a
    /// socket error or timeout).
    func read(_ buffer: UnsafeMutableRawPointer, _ count: Int) throws -> Int {
        while true {
            ERR_clear_error()
            let n = SSL_read(ssl, buffer, Int32(min(count, Int(Int32.max))))
            if n > 0 { return Int(n) }
            let error = SSL_get_error(ssl, n)
            if error == SSL_ERROR_ZERO_RETURN { return 0 }
            if error == SSL_ERROR_SYSCALL {
                if errno == EINTR { continue }
                if n == 0 || errno == 0 { return 0 }
                throw TLSFailure(String(cString: strerror(errno)))
            }
            if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE {
                // Only a receive timeout (SO_RCVTIMEO) gets here on a blocking socket.
                throw TLSFailure("timed out")
            }
            throw TLSFailure(TLSClientContext.lastError())
        }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var sent = 0
        while sent < bytes.count {
            ERR_clear_error()
            guard let base = bytes.baseAddress else { return }
            let n = SSL_write(ssl, base + sent, Int32(min(bytes.count - sent, Int(Int32.max))))
            if n > 0 {
                sent += Int(n)
                continue
            }
            let error = SSL_get_error(ssl, n)
            if error == SSL_ERROR_SYSCALL && errno == EINTR { continue }
            throw TLSFailure(error == SSL_ERROR_SYSCALL ? String(cString: strerror(errno)) : TLSClientContext.lastError())
        }
    }
}
