import Crypto
import Foundation
import SwiftASN1
import X509

/// The cluster's certificate authority and the certificates `kgit server` issues from it.
///
/// On first start ``loadOrCreate(in:hosts:)`` writes, under the data directory:
///
/// | file | what |
/// |---|---|
/// | `pki/ca.crt`, `pki/ca.key` | the cluster CA (P-256, 10 years) |
/// | `pki/server.crt`, `pki/server.key` | the serving certificate (SANs: 127.0.0.1, localhost, the listen host) |
/// | `pki/admin.crt`, `pki/admin.key` | the admin client certificate (CN `admin`, O `system:masters`) |
/// | `pki/scheduler.crt`, `pki/scheduler.key` | the scheduler's client certificate (CN `system:kube-scheduler`, no group) |
/// | `pki/sa.key` | the service-account token signing key |
///
/// Later starts reuse the files; the serving certificate is reissued when it does not cover a
/// requested host or is about to expire. Private keys are written with mode 0600.
public struct ClusterPKI: Sendable {
    /// A certificate with its private key, both PEM.
    public struct KeyPair: Sendable {
        public var certificatePEM: String
        public var privateKeyPEM: String
    }

    public var ca: KeyPair
    public var server: KeyPair
    public var admin: KeyPair
    /// The scheduler's own identity (CN `system:kube-scheduler`): the default RBAC binds it to the
    /// `system:kube-scheduler` ClusterRole and nothing more.
    public var scheduler: KeyPair
    /// The key service-account tokens are signed with (`pki/sa.key`), PEM.
    public var serviceAccountKeyPEM: String

    /// The user name of the scheduler's certificate, as upstream's kube-scheduler authenticates.
    public static let schedulerUser = "system:kube-scheduler"

    /// Loads the PKI from `directory/pki`, creating whatever is missing.
    public static func loadOrCreate(in directory: URL, hosts: [String]) throws -> ClusterPKI {
        let pki = directory.appendingPathComponent("pki")
        try FileManager.default.createDirectory(at: pki, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let now = Date()

        let ca: KeyPair
        if let existing = try load(pki, "ca") {
            ca = existing
        } else {
            let key = P256.Signing.PrivateKey()
            let name = try DistinguishedName { CommonName("kgit-ca") }
            let certificate = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
                notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                    Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: .init(key.publicKey))
                },
                issuerPrivateKey: .init(key))
            ca = KeyPair(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
            try store(ca, pki, "ca")
        }
        let caCertificate = try Certificate(pemEncoded: ca.certificatePEM)
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: ca.privateKeyPEM)

        let wantedHosts = Array(Set(["127.0.0.1", "localhost"] + hosts.filter { !$0.isEmpty && $0 != "0.0.0.0" && $0 != "::" }))
            .sorted()
        var server = try load(pki, "server")
        if let current = server, !(try covers(current, hosts: wantedHosts, now: now)) { server = nil }
        if server == nil {
            let issued = try issue(
                subject: try DistinguishedName { CommonName("kgit-apiserver") }, by: caCertificate, caKey: caKey,
                now: now, days: 365,
                extraExtensions: try Certificate.Extensions {
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(wantedHosts.map(generalName(for:)))
                })
            try store(issued, pki, "server")
            server = issued
        }

        let admin: KeyPair
        if let existing = try load(pki, "admin") {
            admin = existing
        } else {
            admin = try issue(
                subject: try DistinguishedName {
                    OrganizationName("system:masters")
                    CommonName("admin")
                },
                by: caCertificate, caKey: caKey, now: now, days: 365,
                extraExtensions: try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) })
            try store(admin, pki, "admin")
        }
        let scheduler: KeyPair
        if let existing = try load(pki, "scheduler") {
            scheduler = existing
        } else {
            scheduler = try issue(
                subject: try DistinguishedName { CommonName(schedulerUser) },
                by: caCertificate, caKey: caKey, now: now, days: 365,
                extraExtensions: try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) })
            try store(scheduler, pki, "scheduler")
        }
        guard let server else { throw PKIError.missing("server") }
        let saKeyURL = pki.appendingPathComponent("sa.key")
        let saKey: String
        if let existing = try? String(contentsOf: saKeyURL, encoding: .utf8) {
            saKey = existing
        } else {
            saKey = P256.Signing.PrivateKey().pemRepresentation
            try SecureFile.write(saKey, to: saKeyURL, mode: 0o600)
        }
        return ClusterPKI(ca: ca, server: server, admin: admin, scheduler: scheduler, serviceAccountKeyPEM: saKey)
    }

    /// Issues a client certificate for `user` in `groups`, signed by this CA.
    public func issueClientCertificate(user: String, groups: [String], days: Int = 365) throws -> KeyPair {
        let caCertificate = try Certificate(pemEncoded: ca.certificatePEM)
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: ca.privateKeyPEM)
        let subject = try DistinguishedName {
            for group in groups { OrganizationName(group) }
            CommonName(user)
        }
        return try ClusterPKI.issue(
            subject: subject, by: caCertificate, caKey: caKey, now: Date(), days: days,
            extraExtensions: try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) })
    }

    // MARK: - Helpers

    static func issue(subject: DistinguishedName, by ca: Certificate, caKey: P256.Signing.PrivateKey, now: Date,
                      days: Int, extraExtensions: Certificate.Extensions) throws -> KeyPair {
        let key = P256.Signing.PrivateKey()
        var extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: .init(caKey.publicKey)).keyIdentifier)
        }
        for ext in extraExtensions { try extensions.append(ext) }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86400),
            issuer: ca.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: .init(caKey))
        return KeyPair(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }

    static func generalName(for host: String) -> GeneralName {
        if let v4 = IPAddressParser.ipv4(host) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(v4))) }
        if let v6 = IPAddressParser.ipv6(host) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(v6))) }
        return .dnsName(host)
    }

    /// Whether the serving certificate names every host and is valid for at least another 30 days.
    static func covers(_ pair: KeyPair, hosts: [String], now: Date) throws -> Bool {
        let certificate = try Certificate(pemEncoded: pair.certificatePEM)
        guard certificate.notValidAfter > now.addingTimeInterval(30 * 86400) else { return false }
        guard let sans = try certificate.extensions.subjectAlternativeNames else { return false }
        let present = Set(sans)
        return hosts.allSatisfy { present.contains(generalName(for: $0)) }
    }

    static func load(_ directory: URL, _ name: String) throws -> KeyPair? {
        let crt = directory.appendingPathComponent("\(name).crt")
        let key = directory.appendingPathComponent("\(name).key")
        guard FileManager.default.fileExists(atPath: crt.path), FileManager.default.fileExists(atPath: key.path) else {
            return nil
        }
        return KeyPair(certificatePEM: try String(contentsOf: crt, encoding: .utf8),
                       privateKeyPEM: try String(contentsOf: key, encoding: .utf8))
    }

    static func store(_ pair: KeyPair, _ directory: URL, _ name: String) throws {
        try SecureFile.write(pair.certificatePEM, to: directory.appendingPathComponent("\(name).crt"), mode: 0o644)
        try SecureFile.write(pair.privateKeyPEM, to: directory.appendingPathComponent("\(name).key"), mode: 0o600)
    }
}

/// A PKI file that should exist but does not.
public enum PKIError: Error, CustomStringConvertible {
    case missing(String)

    public var description: String {
        switch self {
        case .missing(let what): return "the \(what) certificate could not be loaded or created"
        }
    }
}
