/// A unified diff of one object: the live object (`---`) against the one in git (`+++`), in hunks with
/// three lines of context, each added line carrying the place in git it comes from.
public struct UnifiedDiff: Sendable, Hashable {
    /// One line of a hunk.
    public struct Line: Sendable, Hashable {
        public enum Kind: Character, Sendable, Hashable {
            case context = " "
            case removed = "-"
            case added = "+"
        }

        public var kind: Kind
        public var text: String
        /// Where an added line's field was written in git, when known.
        public var source: ManifestLocation?

        public init(kind: Kind, text: String, source: ManifestLocation? = nil) {
            self.kind = kind
            self.text = text
            self.source = source
        }
    }

    /// A run of changes with its context.
    public struct Hunk: Sendable, Hashable {
        /// 1-based first line on the live side (0 when the side is empty), and the count of live lines.
        public var liveStart: Int
        public var liveCount: Int
        /// The same for the git side.
        public var gitStart: Int
        public var gitCount: Int
        public var lines: [Line]
    }

    /// `live/<kind>/<namespace>/<name>`.
    public var liveHeader: String
    /// `git/<kind>/<namespace>/<name>`.
    public var gitHeader: String
    public var hunks: [Hunk]

    /// The diff text; with `showSource`, added lines end in `# from path/file.yaml:12`.
    public func render(showSource: Bool = false) -> String {
        var text = "--- \(liveHeader)\n+++ \(gitHeader)\n"
        for hunk in hunks {
            text +=
                "@@ -\(Self.range(hunk.liveStart, hunk.liveCount)) +\(Self.range(hunk.gitStart, hunk.gitCount)) @@\n"
            for line in hunk.lines {
                text.append(line.kind.rawValue)
                text += line.text
                if showSource, line.kind == .added, let source = line.source {
                    text += "  # from \(source.file):\(source.line)"
                }
                text += "\n"
            }
        }
        return text
    }

    static func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }

    /// The diff turning `live` into `git`, grouping changes closer than `2 * context` lines into one hunk.
    static func make(
        live: [YAMLLines.Line], git: [YAMLLines.Line], liveHeader: String, gitHeader: String, context: Int = 3,
        source: (String) -> ManifestLocation?
    ) -> UnifiedDiff {
        let script = LineDiff.script(live.map(\.text), git.map(\.text))
        var hunks: [Hunk] = []
        let changed = script.indices.filter { script[$0].kind != .context }
        var groupStart = 0
        while groupStart < changed.count {
            var groupEnd = groupStart
            while groupEnd + 1 < changed.count, changed[groupEnd + 1] - changed[groupEnd] <= 2 * context {
                groupEnd += 1
            }
            let lower = max(0, changed[groupStart] - context)
            let upper = min(script.count - 1, changed[groupEnd] + context)
            var hunk = Hunk(liveStart: 0, liveCount: 0, gitStart: 0, gitCount: 0, lines: [])
            var firstLive: Int?
            var firstGit: Int?
            for step in script[lower...upper] {
                switch step.kind {
                case .context:
                    hunk.lines.append(Line(kind: .context, text: live[step.live].text))
                    hunk.liveCount += 1
                    hunk.gitCount += 1
                    firstLive = firstLive ?? step.live
                    firstGit = firstGit ?? step.git
                case .removed:
                    hunk.lines.append(Line(kind: .removed, text: live[step.live].text))
                    hunk.liveCount += 1
                    firstLive = firstLive ?? step.live
                case .added:
                    let line = git[step.git]
                    hunk.lines.append(Line(kind: .added, text: line.text, source: source(line.path)))
                    hunk.gitCount += 1
                    firstGit = firstGit ?? step.git
                }
            }
            // A side with no lines in the hunk is numbered by the line before it, as diff(1) does.
            hunk.liveStart =
                hunk.liveCount == 0 ? script[lower...upper].first.map { $0.live } ?? 0 : (firstLive ?? 0) + 1
            hunk.gitStart = hunk.gitCount == 0 ? script[lower...upper].first.map { $0.git } ?? 0 : (firstGit ?? 0) + 1
            hunks.append(hunk)
            groupStart = groupEnd + 1
        }
        return UnifiedDiff(liveHeader: liveHeader, gitHeader: gitHeader, hunks: hunks)
    }
}

/// A shortest edit script between two line arrays (longest common subsequence).
enum LineDiff {
    struct Step: Hashable {
        var kind: UnifiedDiff.Line.Kind
        /// Index on the live side: of this line, or for an added line of the next live line.
        var live: Int
        /// Index on the git side, likewise.
        var git: Int
    }

    /// The largest LCS table computed (16 MB of Int32).
    static let defaultMaxCells = 4_000_000

    static func script(_ a: [String], _ b: [String], maxCells: Int = defaultMaxCells) -> [Step] {
        // Common prefix and suffix first: most objects differ in a few lines.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        let middleA = Array(a[prefix..<(a.count - suffix)])
        let middleB = Array(b[prefix..<(b.count - suffix)])
        var steps: [Step] = (0..<prefix).map { Step(kind: .context, live: $0, git: $0) }
        let n = middleA.count
        let m = middleB.count
        // The table is n*m cells; past `maxCells` (two very different large objects) the middle is shown
        // as removed then added, which is still a correct diff, in linear memory.
        guard n * m <= maxCells else {
            for i in 0..<n { steps.append(Step(kind: .removed, live: prefix + i, git: prefix)) }
            for j in 0..<m { steps.append(Step(kind: .added, live: prefix + n, git: prefix + j)) }
            for offset in 0..<suffix {
                steps.append(Step(kind: .context, live: a.count - suffix + offset, git: b.count - suffix + offset))
            }
            return steps
        }
        // lengths[i][j]: LCS length of middleA[i...] and middleB[j...], in one flat array.
        var lengths = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lengths[i * (m + 1) + j] =
                        middleA[i] == middleB[j]
                        ? lengths[(i + 1) * (m + 1) + j + 1] + 1
                        : max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1])
                }
            }
        }
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, middleA[i] == middleB[j] {
                steps.append(Step(kind: .context, live: prefix + i, git: prefix + j))
                i += 1
                j += 1
            } else if i < n, j == m || lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1] {
                steps.append(Step(kind: .removed, live: prefix + i, git: prefix + j))
                i += 1
            } else {
                steps.append(Step(kind: .added, live: prefix + i, git: prefix + j))
                j += 1
            }
        }
        for offset in 0..<suffix {
            steps.append(Step(kind: .context, live: a.count - suffix + offset, git: b.count - suffix + offset))
        }
        return steps
    }
}
