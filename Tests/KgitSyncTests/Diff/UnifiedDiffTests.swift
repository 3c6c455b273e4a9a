import Testing

@testable import KgitSync

@Suite struct UnifiedDiffTests {
    static func lines(_ texts: [String]) -> [YAMLLines.Line] { texts.map { YAMLLines.Line(text: $0, path: "") } }

    struct Case: Sendable, CustomTestStringConvertible {
        var live: [String]
        var git: [String]
        var want: [String]
        var testDescription: String { "\(live.count) -> \(git.count) lines: \(want)" }
    }

    static func numbered(_ count: Int, replacing changed: Set<Int> = []) -> [String] {
        (1...count).map { changed.contains($0) ? "x" : String($0) }
    }

    static let cases: [Case] = [
        Case(live: ["a", "b", "c"], git: ["a", "b", "c"], want: []),
        Case(live: ["a", "b", "c"], git: ["a", "x", "c"], want: ["@@ -1,3 +1,3 @@"]),
        Case(
            live: numbered(20), git: numbered(20, replacing: [2, 19]), want: ["@@ -1,5 +1,5 @@", "@@ -16,5 +16,5 @@"]),
        Case(live: numbered(10), git: numbered(10, replacing: [3, 8]), want: ["@@ -1,10 +1,10 @@"]),
        Case(live: [], git: ["a"], want: ["@@ -0,0 +1 @@"]),
        Case(live: ["a"], git: [], want: ["@@ -1 +0,0 @@"]),
    ]

    @Test(arguments: cases)
    func hunksHoldThreeLinesOfContextAndMergeWhenClose(_ c: Case) {
        let diff = UnifiedDiff.make(
            live: Self.lines(c.live), git: Self.lines(c.git), liveHeader: "l", gitHeader: "g", source: { _ in nil })
        let got = diff.render().split(separator: "\n").filter { $0.hasPrefix("@@") }.map(String.init)
        #expect(got == c.want)
    }

    @Test func removedLinesComeBeforeAddedOnes() {
        let diff = UnifiedDiff.make(
            live: Self.lines(["k: 1"]), git: Self.lines(["k: 2"]), liveHeader: "l", gitHeader: "g", source: { _ in nil }
        )
        #expect(diff.render() == "--- l\n+++ g\n@@ -1 +1 @@\n-k: 1\n+k: 2\n")
    }

    @Test(arguments: [1_000_000, 4])
    func aLargeMiddleFallsBackToRemovedThenAddedWithTheSameLines(maxCells: Int) {
        let live = ["head", "a", "b", "c", "tail"]
        let git = ["head", "b", "x", "tail"]
        let steps = LineDiff.script(live, git, maxCells: maxCells)
        // Replaying the script on the live side must give the git side, whichever algorithm ran.
        var rebuilt: [String] = []
        for step in steps where step.kind != .removed {
            rebuilt.append(step.kind == .added ? git[step.git] : live[step.live])
        }
        #expect(rebuilt == git)
        #expect(steps.filter { $0.kind == .context }.count == (maxCells > 6 ? 3 : 2))
    }
}
