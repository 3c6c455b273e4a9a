import Foundation

/// A standard five-field cron schedule (`minute hour day-of-month month day-of-week`), as CronJob
/// `spec.schedule` takes it, plus the descriptors `@yearly`, `@annually`, `@monthly`, `@weekly`,
/// `@daily`, `@midnight` and `@hourly`.
///
/// Each field accepts `*`, `?` (day fields), numbers, ranges `a-b`, steps `*/n` and `a-b/n`, lists
/// separated by commas, month names `JAN`-`DEC` and weekday names `SUN`-`SAT` (7 is Sunday too).
/// As in Vixie cron (and the library upstream uses), when both day fields are restricted a day
/// matches if either does; when one is `*`, both must.
public struct CronSchedule: Sendable, Equatable {
    /// Allowed minutes (0-59), hours (0-23), days of month (1-31), months (1-12), weekdays (0-6, Sunday 0).
    public var minutes: Set<Int>, hours: Set<Int>, daysOfMonth: Set<Int>, months: Set<Int>, daysOfWeek: Set<Int>
    /// Whether the day-of-month or day-of-week field was `*` or `?`.
    public var anyDayOfMonth: Bool, anyDayOfWeek: Bool

    /// A schedule that cannot be parsed, with the reason.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The schedule text.
        public var schedule: String
        /// What is wrong.
        public var reason: String
        /// `unparseable schedule "x": expected exactly 5 fields, found 1`.
        public var description: String { "unparseable schedule \"\(schedule)\": \(reason)" }
    }

    /// Parses `text`.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let descriptors = [
            "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
            "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
        ]
        let expanded: String
        if trimmed.hasPrefix("@") {
            guard let e = descriptors[trimmed.lowercased()] else {
                throw ParseError(schedule: text, reason: "unrecognized descriptor \(trimmed)")
            }
            expanded = e
        } else {
            expanded = trimmed
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw ParseError(schedule: text, reason: "expected exactly 5 fields, found \(fields.count)")
        }
        let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        func parse(_ f: String, _ name: String, _ lo: Int, _ hi: Int, names: [String] = [], nameBase: Int = 0)
            throws(ParseError) -> (Set<Int>, Bool)
        {
            func number(_ s: String) throws(ParseError) -> Int {
                if let i = names.firstIndex(of: s.uppercased()) { return i + nameBase }
                guard let n = Int(s) else { throw ParseError(schedule: text, reason: "invalid \(name) \"\(s)\"") }
                return n
            }
            var out: Set<Int> = []
            var any = false
            for part in f.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                var range = part
                var step = 1
                if let slash = part.firstIndex(of: "/") {
                    range = String(part[..<slash])
                    guard let s = Int(part[part.index(after: slash)...]), s > 0 else {
                        throw ParseError(schedule: text, reason: "invalid step in \(name) \"\(part)\"")
                    }
                    step = s
                }
                var from = lo, to = hi
                if range == "*" || range == "?" {
                    if step == 1 && f == range { any = true }
                } else if let dash = range.firstIndex(of: "-") {
                    from = try number(String(range[..<dash]))
                    to = try number(String(range[range.index(after: dash)...]))
                } else {
                    from = try number(range)
                    to = part.contains("/") ? hi : from
                }
                guard from >= lo, to <= hi, from <= to else {
                    throw ParseError(schedule: text, reason: "\(name) \"\(part)\" is outside \(lo)-\(hi)")
                }
                for v in stride(from: from, through: to, by: step) { out.insert(v) }
            }
            return (out, any)
        }
        (minutes, _) = try parse(fields[0], "minute", 0, 59)
        (hours, _) = try parse(fields[1], "hour", 0, 23)
        (daysOfMonth, anyDayOfMonth) = try parse(fields[2], "day of month", 1, 31)
        (months, _) = try parse(fields[3], "month", 1, 12, names: monthNames, nameBase: 1)
        var (dow, anyDow) = try parse(fields[4], "day of week", 0, 7, names: dayNames)
        if dow.contains(7) { dow.remove(7); dow.insert(0) }
        (daysOfWeek, anyDayOfWeek) = (dow, anyDow)
    }

    /// Whether the civil day matches the day fields.
    func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        let dom = daysOfMonth.contains(day), dow = daysOfWeek.contains(weekday)
        if anyDayOfMonth || anyDayOfWeek { return dom && dow }
        return dom || dow
    }

    /// The first scheduled time strictly after `date`, in `timeZone`; nil when none falls within
    /// five years (a schedule such as `0 0 30 2 *` never fires).
    public func next(after date: Date, in timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current) -> Date? {
        let offset = Int64(timeZone.secondsFromGMT(for: date))
        // Local wall-clock seconds, moved to the start of the next minute.
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + offset
        var minuteStart = (local / 60 + 1) * 60
        if local < 0 && local % 60 != 0 { minuteStart = (local / 60) * 60 }
        var day = floorDiv(minuteStart, 86400)
        var minuteOfDay = Int((minuteStart - day * 86400) / 60)
        let sortedHours = hours.sorted(), sortedMinutes = minutes.sorted()
        for _ in 0..<(366 * 5) {
            let (_, m, d) = CronSchedule.civil(fromDays: day)
            let weekday = Int(((day % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
            if matchesDay(month: Int(m), day: Int(d), weekday: weekday) {
                for h in sortedHours {
                    for mi in sortedMinutes where h * 60 + mi >= minuteOfDay {
                        let localSeconds = day * 86400 + Int64(h * 3600 + mi * 60)
                        let guess = localSeconds - offset
                        let corrected = localSeconds - Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(guess))))
                        return Date(timeIntervalSince1970: TimeInterval(corrected))
                    }
                }
            }
            day += 1
            minuteOfDay = 0
        }
        return nil
    }

    func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

    /// Year, month, day of a count of days since 1970-01-01 (the proleptic Gregorian calendar).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let d = dayOfYear - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
