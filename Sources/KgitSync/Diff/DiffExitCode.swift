/// The exit status of `kgit diff`, as `diff(1)` and `kubectl diff` use it.
public enum DiffExitCode {
    /// No object differs.
    public static let none: Int32 = 0
    /// Some object differs.
    public static let differences: Int32 = 1
    /// The diff could not be computed (invalid manifests, an unreachable cluster).
    public static let failure: Int32 = 2

    /// 0 when nothing differs, 1 when something does, 2 when `failed` (an error wins over differences).
    public static func code(for diffs: [ObjectDiff], failed: Bool = false) -> Int32 {
        if failed { return failure }
        return diffs.contains(where: \.isDifferent) ? differences : none
    }
}
