/// The cron syntax of CronJob schedules (the standard five-field parser Kubernetes uses).
public enum CronSchedule {
    private struct Field {
        var name: String
        var range: ClosedRange<Int>
        var names: [String: Int] = [:]
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    private static let fields: [Field] = [
        Field(name: "minute", range: 0...59),
        Field(name: "hour", range: 0...23),
        Field(name: "day of month", range: 1...31),
        Field(
            name: "month", range: 1...12,
            names: Dictionary(uniqueKeysWithValues: months.enumerated().map { ($0.element, $0.offset + 1) })),
        Field(
            name: "day of week", range: 0...6,
            names: Dictionary(uniqueKeysWithValues: days.enumerated().map { ($0.element, $0.offset) })),
    ]

    private static let macros: Set<String> = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]

    /// Why `schedule` is not a valid schedule, or nil when it is.
    public static func problem(_ schedule: String) -> String? {
        var bytes = schedule
        if bytes.withUTF8(isPlainValid) { return nil }
        let trimmed = schedule.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = trimmed.first else { return "the schedule is empty" }
        if first.hasPrefix("TZ=") || first.hasPrefix("CRON_TZ=") {
            return "a time zone may not be set in the schedule; use the `timeZone` field"
        }
        if first.hasPrefix("@") {
            if first == "@every" {
                return trimmed.count == 2 && isDuration(trimmed[1]) ? nil : "`@every` needs one duration such as `1h30m`"
            }
            guard macros.contains(String(first)) else {
                return "unknown descriptor `\(first)`; use @yearly, @monthly, @weekly, @daily, @hourly or five fields"
            }
            return trimmed.count == 1 ? nil : "a descriptor such as `\(first)` takes nothing after it"
        }
        guard trimmed.count == 5 else {
            return "expected 5 fields (minute hour day-of-month month day-of-week), found \(trimmed.count)"
        }
        for (text, field) in zip(trimmed, fields) {
            if let problem = check(String(text), field) { return problem }
        }
        return nil
    }

    private static func check(_ text: String, _ field: Field) -> String? {
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let rangeText = pieces.first, !rangeText.isEmpty else {
                return "the \(field.name) field `\(text)` is malformed"
            }
            if pieces.count == 2 {
                guard let step = Int(pieces[1]), step > 0 else {
                    return "the step in the \(field.name) field `\(text)` must be a positive number"
                }
            }
            if rangeText == "*" || rangeText == "?" { continue }
            let bounds = rangeText.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { return "the \(field.name) field `\(text)` is malformed" }
            var values: [Int] = []
            for bound in bounds {
                guard let value = Int(bound) ?? field.names[bound.lowercased()] else {
                    return "`\(bound)` is not a valid \(field.name)"
                }
                guard field.range.contains(value) else {
                    return "the \(field.name) \(value) is outside \(field.range.lowerBound)-\(field.range.upperBound)"
                }
                values.append(value)
            }
            if values.count == 2, values[0] > values[1] {
                return "the \(field.name) range `\(rangeText)` runs backwards"
            }
        }
        return nil
    }

    /// True when `bytes` is five fields of numbers, ranges, `*`, `?`, steps and lists, each within its
    /// field's range: the common case, read on bytes without building strings. False means "not known
    /// to be valid"; `problem` then parses the schedule again and says what is wrong (or accepts it).
    private static func isPlainValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var field = 0
        var i = 0
        let count = bytes.count
        while true {
            while i < count && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
            if i == count { return field == fields.count }
            guard field < fields.count else { return false }
            let range = fields[field].range
            // One field: comma-separated parts, each `*`, `?`, `N` or `N-M`, optionally `/STEP`.
            while true {
                var low = -1
                if bytes[i] == UInt8(ascii: "*") || bytes[i] == UInt8(ascii: "?") {
                    i += 1
                } else {
                    guard let value = number(bytes, &i), range.contains(value) else { return false }
                    low = value
                    if i < count && bytes[i] == UInt8(ascii: "-") {
                        i += 1
                        guard let high = number(bytes, &i), range.contains(high), low <= high else { return false }
                    }
                }
                if i < count && bytes[i] == UInt8(ascii: "/") {
                    i += 1
                    guard let step = number(bytes, &i), step > 0 else { return false }
                }
                guard i < count, bytes[i] == UInt8(ascii: ",") else { break }
                i += 1
                guard i < count else { return false }
            }
            guard i == count || bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") else { return false }
            field += 1
        }
    }

    /// The decimal number of at most 4 digits at `bytes[i...]`, advancing `i` past it; nil when none.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int? {
        var value = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            guard digits < 4 else { return nil }
            value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
            digits += 1
            i += 1
        }
        return digits == 0 ? nil : value
    }

    /// A Go duration such as `1h30m`, `90s`, `1.5h`.
    private static func isDuration(_ text: Substring) -> Bool {
        var rest = text[...]
        var sawUnit = false
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, Double(number) != nil else { return false }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter || $0 == "µ" }
            guard ["ns", "us", "µs", "ms", "s", "m", "h"].contains(String(unit)) else { return false }
            rest = rest.dropFirst(unit.count)
            sawUnit = true
        }
        return sawUnit
    }
}
