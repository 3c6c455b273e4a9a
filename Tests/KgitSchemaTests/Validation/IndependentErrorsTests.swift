import KgitSchema
import Testing

@Suite struct IndependentErrors {
    @Test func aSelectorMismatchIsReportedEvenWhenTheSpecAlsoHasAnUnknownField() throws {
        let found = try diagnostics("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              replcas: 3
              selector:
                matchLabels:
                  app: api
              template:
                metadata:
                  labels:
                    app: api-server
                spec:
                  containers:
                    - name: api
                      image: example/api:1.0
            """)
        #expect(codes(found).sorted() == ["selector-mismatch", "unknown-field"])
    }

    @Test func aValueOfTheWrongShapeGetsOneErrorNotACascade() throws {
        let found = try diagnostics("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec: "not an object"
            """)
        #expect(codes(found) == ["type-mismatch"])
    }

    @Test func aStatefulSetMayMountAVolumeFromItsVolumeClaimTemplates() throws {
        let found = try diagnostics("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              serviceName: db
              selector:
                matchLabels: {app: db}
              template:
                metadata:
                  labels: {app: db}
                spec:
                  containers:
                    - name: db
                      image: example/db:1
                      volumeMounts:
                        - name: data
                          mountPath: /data
              volumeClaimTemplates:
                - metadata:
                    name: data
                  spec:
                    accessModes: [ReadWriteOnce]
                    resources:
                      requests:
                        storage: 1Gi
            """)
        #expect(found.isEmpty, "\(found.map(\.message))")
    }
}
