/// Generates a deterministic corpus of valid Kubernetes manifests of mixed kinds, as real repositories hold
/// them: multi-document files of Deployments, Services, ConfigMaps, Secrets, RBAC, Ingresses, StatefulSets,
/// CronJobs, HorizontalPodAutoscalers, PodDisruptionBudgets and NetworkPolicies.
enum ManifestCorpus {
    /// `documents` documents spread over files of `perFile` documents each; returns (file name, text) pairs.
    static func generate(documents: Int, perFile: Int = 100) -> [(name: String, text: String)] {
        var files: [(String, String)] = []
        var current: [String] = []
        for i in 0..<documents {
            current.append(document(i))
            if current.count == perFile || i == documents - 1 {
                files.append((String(format3(files.count)) + ".yaml", current.joined(separator: "---\n")))
                current = []
            }
        }
        return files
    }

    private static func format3(_ n: Int) -> String {
        let s = String(n)
        return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
    }

    static let kinds = 11

    /// The i-th document; kinds rotate so every file mixes them.
    static func document(_ i: Int) -> String {
        let app = "app-\(i / kinds)"
        let ns = "team-\(i % 7)"
        switch i % kinds {
        case 0:
            return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: \(app)
                  namespace: \(ns)
                  labels:
                    app.kubernetes.io/name: \(app)
                    app.kubernetes.io/version: "1.\(i % 13).0"
                spec:
                  replicas: \(i % 5 + 1)
                  selector:
                    matchLabels:
                      app.kubernetes.io/name: \(app)
                  template:
                    metadata:
                      labels:
                        app.kubernetes.io/name: \(app)
                    spec:
                      serviceAccountName: \(app)
                      containers:
                        - name: main
                          image: registry.example.com/\(app):1.\(i % 13).0
                          args: ["--port", "8080"]
                          ports:
                            - name: http
                              containerPort: 8080
                          env:
                            - name: MODE
                              value: production
                          resources:
                            requests:
                              cpu: 100m
                              memory: 128Mi
                            limits:
                              memory: 256Mi
                          livenessProbe:
                            httpGet:
                              path: /healthz
                              port: http
                            initialDelaySeconds: 5

                """
        case 1:
            return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: \(app)
                  namespace: \(ns)
                spec:
                  type: ClusterIP
                  selector:
                    app.kubernetes.io/name: \(app)
                  ports:
                    - name: http
                      port: 80
                      targetPort: http
                      protocol: TCP

                """
        case 2:
            return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: \(app)-config
                  namespace: \(ns)
                data:
                  LOG_LEVEL: info
                  MAX_CONNECTIONS: "100"
                  config.yaml: |
                    server:
                      port: 8080

                """
        case 3:
            return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: \(app)-credentials
                  namespace: \(ns)
                type: Opaque
                stringData:
                  username: \(app)
                  password: not-a-real-password-\(i)

                """
        case 4:
            return """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata:
                  name: \(app)-reader
                  namespace: \(ns)
                rules:
                  - apiGroups: [""]
                    resources: ["configmaps", "secrets"]
                    verbs: ["get", "list", "watch"]

                """
        case 5:
            return """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: \(app)-reader
                  namespace: \(ns)
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: Role
                  name: \(app)-reader
                subjects:
                  - kind: ServiceAccount
                    name: \(app)
                    namespace: \(ns)

                """
        case 6:
            return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: \(app)
                  namespace: \(ns)
                  annotations:
                    example.com/rewrite: /
                spec:
                  ingressClassName: nginx
                  rules:
                    - host: \(app).example.com
                      http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend:
                              service:
                                name: \(app)
                                port:
                                  number: 80

                """
        case 7:
            return """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: \(app)-db
                  namespace: \(ns)
                spec:
                  serviceName: \(app)-db
                  replicas: 3
                  selector:
                    matchLabels:
                      app: \(app)-db
                  template:
                    metadata:
                      labels:
                        app: \(app)-db
                    spec:
                      containers:
                        - name: db
                          image: registry.example.com/db:16
                          ports:
                            - containerPort: 5432
                              name: sql
                          volumeMounts:
                            - name: data
                              mountPath: /var/lib/db
                  volumeClaimTemplates:
                    - metadata:
                        name: data
                      spec:
                        accessModes: ["ReadWriteOnce"]
                        resources:
                          requests:
                            storage: 10Gi

                """
        case 8:
            return """
                apiVersion: batch/v1
                kind: CronJob
                metadata:
                  name: \(app)-cleanup
                  namespace: \(ns)
                spec:
                  schedule: "\(i % 60) 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers:
                            - name: cleanup
                              image: registry.example.com/cleanup:2.1
                              command: ["/cleanup", "--older-than", "7d"]

                """
        case 9:
            return """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata:
                  name: \(app)
                  namespace: \(ns)
                spec:
                  scaleTargetRef:
                    apiVersion: apps/v1
                    kind: Deployment
                    name: \(app)
                  minReplicas: 2
                  maxReplicas: 10
                  metrics:
                    - type: Resource
                      resource:
                        name: cpu
                        target:
                          type: Utilization
                          averageUtilization: 70

                """
        default:
            return """
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: \(app)
                  namespace: \(ns)
                spec:
                  minAvailable: 1
                  selector:
                    matchLabels:
                      app.kubernetes.io/name: \(app)

                """
        }
    }
}
