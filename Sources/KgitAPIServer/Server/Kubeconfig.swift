import Foundation

/// The kubeconfig `kgit server` writes for its admin: the cluster CA, the server URL and the admin
/// client certificate, all embedded (`*-data`), so the file works on its own.
struct Kubeconfig {
    var clusterName = "kgit"
    var userName = "admin"
    var server: String
    var caPEM: String
    var clientCertificatePEM: String
    var clientKeyPEM: String

    /// The YAML text (kubeconfig is YAML; this is also valid for kubectl's JSON-compatible parser).
    var text: String {
        func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: \(clusterName)
              cluster:
                server: \(server)
                certificate-authority-data: \(b64(caPEM))
            users:
            - name: \(userName)
              user:
                client-certificate-data: \(b64(clientCertificatePEM))
                client-key-data: \(b64(clientKeyPEM))
            contexts:
            - name: \(clusterName)
              context:
                cluster: \(clusterName)
                user: \(userName)
                namespace: default
            current-context: \(clusterName)
            preferences: {}

            """
    }
}
