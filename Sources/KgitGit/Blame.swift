/// Who last changed each line of a file, as of one commit: the answer `kgit validate --blame` prints beside a
/// diagnostic.
public struct Blame: Hashable, Sendable {
    /// The author or committer of a commit.
    public struct Signature: Hashable, Sendable {
        public let name: String
        public let email: String
        /// Seconds since 1970-01-01 UTC.
        public let time: Int64
        /// The signer's offset from UTC, in minutes.
        public let timeZoneOffsetMinutes: Int

        public init(name: String, email: String, time: Int64, timeZoneOffsetMinutes: Int) {
            self.name = name
            self.email = email
            self.time = time
            self.timeZoneOffsetMinutes = timeZoneOffsetMinutes
        }
    }

    /// A run of consecutive lines last changed by the same commit.
    public struct Hunk: Hashable, Sendable {
        /// The first line of the run, 1-based, in the blamed version of the file.
        public let startLine: Int
        /// How many lines the run has.
        public let lineCount: Int
        /// The commit that last changed these lines.
        public let commit: ObjectID
        /// That commit's author.
        public let author: Signature
        /// The first line of that commit's message.
        public let summary: String
        /// The file's path in that commit (it differs when the file was renamed since).
        public let originalPath: String

        public init(
            startLine: Int, lineCount: Int, commit: ObjectID, author: Signature, summary: String,
            originalPath: String
        ) {
            self.startLine = startLine
            self.lineCount = lineCount
            self.commit = commit
            self.author = author
            self.summary = summary
            self.originalPath = originalPath
        }

        /// Whether `line` (1-based) is in this run.
        public func contains(line: Int) -> Bool {
            line >= startLine && line < startLine + lineCount
        }
    }

    /// The file that was blamed.
    public let path: String
    /// The newest commit considered: the revision being validated.
    public let newestCommit: ObjectID
    /// The runs, in line order, covering the whole file (or the lines asked for).
    public let hunks: [Hunk]

    public init(path: String, newestCommit: ObjectID, hunks: [Hunk]) {
        self.path = path
        self.newestCommit = newestCommit
        self.hunks = hunks
    }

    /// The run holding `line` (1-based); nil when the file has fewer lines.
    public func hunk(forLine line: Int) -> Hunk? {
        // Hunks are sorted by startLine: binary search for the last hunk starting at or before `line`.
        var low = 0
        var high = hunks.count
        while low < high {
            let mid = (low + high) / 2
            if hunks[mid].startLine <= line { low = mid + 1 } else { high = mid }
        }
        guard low > 0, hunks[low - 1].contains(line: line) else { return nil }
        return hunks[low - 1]
    }
}
