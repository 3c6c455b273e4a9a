/// Values filed by name for the code checks (port names, resource limits, volume and label names).
///
/// A list searched in order while it is short: a spec names a few ports, volumes or limits, and hashing each
/// name cost more than comparing it. Past `linearLimit` entries the names move into a dictionary, so an
/// object with thousands of entries costs the checks linear time, not quadratic: the API server runs these
/// checks on every object a client sends.
struct NameTable<Value> {
    /// The entries while there are at most `linearLimit` (one per name).
    private var list: [(name: String, value: Value)] = []
    /// The entries once there were more.
    private var table: [String: Value]?

    /// How many entries are searched in order before the table switches to a dictionary.
    static var linearLimit: Int { 16 }

    init() {}

    /// True once the entries are in a dictionary (for tests).
    var isHashed: Bool { table != nil }

    /// The value filed under `name`; setting it replaces an earlier value, nil removes it.
    subscript(name: String) -> Value? {
        get {
            if let table { return table[name] }
            for entry in list where entry.name == name { return entry.value }
            return nil
        }
        set {
            if table != nil {
                table?[name] = newValue
                return
            }
            if let at = list.firstIndex(where: { $0.name == name }) {
                if let newValue { list[at].value = newValue } else { list.remove(at: at) }
            } else if let newValue {
                list.append((name, newValue))
                if list.count > Self.linearLimit {
                    table = Dictionary(list, uniquingKeysWith: { _, later in later })
                    list = []
                }
            }
        }
    }
}
