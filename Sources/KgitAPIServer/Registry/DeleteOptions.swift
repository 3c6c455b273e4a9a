import KgitAPIMachinery

/// A DELETE's options (`meta.k8s.io/v1 DeleteOptions`), from the request body (what kubectl sends)
/// or the query (what client libraries send): propagation policy, grace period, preconditions and
/// dry run.
struct DeleteOptions: Sendable, Equatable {
    /// `Foreground`, `Background`, `Orphan`, or nil for the default (background).
    var propagationPolicy: String?
    /// The requested grace period; nil for the object's default.
    var gracePeriodSeconds: Int64?
    /// `preconditions.uid`.
    var preconditionUID: String?
    /// `preconditions.resourceVersion`.
    var preconditionResourceVersion: Int64?
    /// Whether nothing is to be stored (`dryRun: [All]`).
    var dryRun: Bool

    /// Options with defaults only.
    init(dryRun: Bool = false) {
        self.dryRun = dryRun
    }

    /// Reads the options from a decoded body (if any) and the query; the body wins.
    init(body: JSONValue?, query: QueryParameters, dryRun: Bool) throws(APIError) {
        self.dryRun = dryRun
        if let values = body?["dryRun"]?.arrayValue {
            for v in values where v.stringValue != "All" {
                throw APIError.badRequest("unsupported dryRun value: \(v.serialized())")
            }
            if !values.isEmpty { self.dryRun = true }
        }
        propagationPolicy = body?["propagationPolicy"]?.stringValue ?? query["propagationPolicy"]
        let orphan = body?["orphanDependents"]?.boolValue ?? query["orphanDependents"].map { $0 == "true" }
        if let orphan {
            if propagationPolicy != nil {
                throw APIError.invalid(kind: "DeleteOptions", name: "", causes: [
                    .init(type: "FieldValueInvalid",
                          message: "Invalid value: \"\(propagationPolicy ?? "")\": orphanDependents and deletionPropagation cannot be both set",
                          field: "propagationPolicy"),
                ])
            }
            propagationPolicy = orphan ? "Orphan" : "Background"
        }
        if let policy = propagationPolicy, !["Foreground", "Background", "Orphan"].contains(policy) {
            throw APIError.invalid(kind: "DeleteOptions", name: "", causes: [
                .init(type: "FieldValueNotSupported",
                      message: "Unsupported value: \"\(policy)\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
                      field: "propagationPolicy"),
            ])
        }
        if let grace = body?["gracePeriodSeconds"]?.intValue {
            gracePeriodSeconds = grace
        } else if let text = query["gracePeriodSeconds"] {
            guard let grace = Int64(text) else {
                throw APIError.badRequest("gracePeriodSeconds must be an integer, not \(text.debugDescription)")
            }
            gracePeriodSeconds = grace
        }
        if let grace = gracePeriodSeconds, grace < 0 { gracePeriodSeconds = 0 }
        if let rv = body?.value(at: ["preconditions", "resourceVersion"])?.stringValue {
            preconditionResourceVersion = Int64(rv)
        }
        preconditionUID = body?.value(at: ["preconditions", "uid"])?.stringValue
    }
}
