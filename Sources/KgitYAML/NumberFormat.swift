/// Canonical text for floats in YAML and JSON output.
enum NumberFormat {
    /// A float as YAML text that go-yaml v2 reads back as the same float: `.inf`, `-.inf`, `.nan`, or
    /// Swift's shortest round-tripping form, which always has a `.` or a signed exponent (`1.0`,
    /// `1e-05`, `1e+20`).
    static func yaml(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
        return d.description
    }

    /// A finite float as JSON number text; nil when JSON cannot represent it (infinities and NaN).
    static func json(_ d: Double) -> String? {
        d.isFinite ? d.description : nil
    }
}
