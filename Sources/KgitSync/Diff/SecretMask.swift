import KgitYAML

/// Hides the values of a Secret's `data` before a diff is shown: a value that is the same on both
/// sides shows as `***`, a changed one as `*** (changed)` on the git side, one on a single side as `***`.
enum SecretMask {
    static let hidden = "***"
    static let changed = "*** (changed)"

    /// `(live, desired)` with their `data` values masked.
    static func mask(live: YAMLValue?, desired: YAMLValue?) -> (live: YAMLValue?, desired: YAMLValue?) {
        let liveData = live?["data"]
        let desiredData = desired?["data"]
        func masked(_ object: YAMLValue?, own: YAMLValue?, other: YAMLValue?, isGit: Bool) -> YAMLValue? {
            guard case .mapping(var entries)? = object,
                let index = entries.firstIndex(where: { $0.key == "data" }),
                case .mapping(let values)? = own
            else { return object }
            entries[index].value = .mapping(
                values.map { entry in
                    let counterpart = other?[entry.key]
                    let differs = counterpart != nil && counterpart != entry.value
                    return YAMLValue.Entry(key: entry.key, value: .string(isGit && differs ? changed : hidden))
                })
            return .mapping(entries)
        }
        return (
            masked(live, own: liveData, other: desiredData, isGit: false),
            masked(desired, own: desiredData, other: liveData, isGit: true)
        )
    }
}
