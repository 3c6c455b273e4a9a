import KgitSchema
import KgitYAML
import Testing

@testable import KgitKGL

/// Refinements may only narrow enumerations and add patterns; `else` messages replace the checker's.
@Suite struct RefinementWideningTests {
    static let base = """
        type Base = {
          size: "small" | "medium" | "large"
          name: string & =~"^[a-z]+$"
        }

        """

    static func diagnostics(_ kgl: String) -> [String] {
        CompiledTypes(source: kgl, file: "t.kgl").diagnostics.map { "\($0.start) \($0.code): \($0.message)" }
    }

    /// The messages and notes of checking `yaml` against type `name`.
    static func check(_ kgl: String, _ name: String, _ yaml: String) throws -> [String] {
        let compiled = CompiledTypes(source: kgl, file: "t.kgl")
        #expect(compiled.diagnostics.map(\.message) == [])
        let schema = try #require(compiled.types[name])
        let root = try #require(try YAMLParser.parse(yaml).first?.root)
        return Validator.validate(root, against: schema).map { ([$0.message] + $0.notes).joined(separator: " | ") }
    }

    @Test func aRefinementMayRemoveEnumerationMembers() throws {
        let kgl = Self.base + "type Small = Base { size: \"small\" | \"medium\" }\n"
        #expect(Self.diagnostics(kgl) == [])
        #expect(try Self.check(kgl, "Small", "{size: large, name: a}").count == 1)
    }

    @Test func aRefinementThatAddsAnEnumerationMemberNamesBothDeclarations() {
        let kgl = Self.base + "type Huge = Base { size: \"small\" | \"huge\" }\n"
        #expect(Self.diagnostics(kgl) == [
            "5:26 kgl-refinement-widens: size: the refinement at t.kgl:5:20 allows \"huge\", which the enumeration declared at t.kgl:2:9 excludes; a refinement may only remove members"
        ])
    }

    @Test func aRefinedPatternIsCheckedBesideTheBasePatternNeverInsteadOfIt() throws {
        let kgl = Self.base + "type A = Base { name: =~\"^a\" }\n"
        #expect(Self.diagnostics(kgl) == [])
        #expect(try Self.check(kgl, "A", "{size: small, name: abc}") == [])
        // Matches the base's pattern, not the refinement's.
        #expect(try Self.check(kgl, "A", "{size: small, name: zed}") == [
            "string \"zed\" does not match the pattern `^a` | pattern declared at t.kgl:5:23"
        ])
        // Matches the refinement's pattern, not the base's.
        #expect(try Self.check(kgl, "A", "{size: small, name: a1}") == [
            "string \"a1\" does not match the pattern `^[a-z]+$` | pattern declared at t.kgl:3:18"
        ])
    }

    @Test func anElseMessageReplacesTheCheckersMessageAndKeepsItAsANote() throws {
        let kgl = "type Image = string & =~\"@sha256:\" else \"pin images by digest\"\ntype Pod = { image: Image, tag?: =~\"^v\" else \"tags start with v\" }\n"
        #expect(try Self.check(kgl, "Image", "web@sha256:00") == [])
        #expect(try Self.check(kgl, "Image", "web:latest") == [
            "pin images by digest | the value violates the type: string \"web:latest\" does not match the pattern `@sha256:` | pattern declared at t.kgl:1:23"
        ])
        #expect(try Self.check(kgl, "Pod", "{image: web, tag: x}") == [
            "pin images by digest | the value violates the type: string \"web\" does not match the pattern `@sha256:` | pattern declared at t.kgl:1:23",
            "tags start with v | the value violates the type: string \"x\" does not match the pattern `^v` | pattern declared at t.kgl:2:34",
        ])
    }

    @Test func anElseMessageOnARefinedFieldCoversIt() throws {
        let kgl = Self.base + "type A = Base { name: =~\"^a\" else \"names start with a\" }\n"
        #expect(try Self.check(kgl, "A", "{size: small, name: zed}") == [
            "names start with a | the value violates the type: string \"zed\" does not match the pattern `^a` | pattern declared at t.kgl:5:23"
        ])
    }

    static let named = """
        type Replicas = int & 1..10
        type Mem = Quantity & <=1Gi
        type Name = string & len(3..20)
        type Base = { replicas: Replicas, memory: Mem, name: Name }

        """

    @Test func aLooserBoundOnAFieldWhoseTypeIsNamedNamesTheNamedTypesBound() {
        #expect(Self.diagnostics(Self.named + "type W = Base { replicas: <=50 }\n") == [
            "5:27 kgl-refinement-widens: replicas: the refinement sets the maximum to 50, looser than the base's 10 declared at t.kgl:1:23; a refinement may only narrow its base"
        ])
        #expect(Self.diagnostics(Self.named + "type W = Base { memory: <=2Gi, name: len(1..20) }\n") == [
            "5:25 kgl-refinement-widens: memory: the refinement sets the maximum to 2Gi, looser than the base's 1Gi declared at t.kgl:2:23; a refinement may only narrow its base",
            "5:38 kgl-refinement-widens: name: the refinement sets the minimum length to 1, looser than the base's 3 declared at t.kgl:3:22; a refinement may only narrow its base",
        ])
    }

    @Test func aNamedTypeInTheRefinementIsComparedByItsOwnDeclaredBounds() {
        let kgl = Self.named + "type Many = int & 1..100\ntype W = Base { replicas: Many }\n"
        #expect(Self.diagnostics(kgl) == [
            "6:27 kgl-refinement-widens: replicas: the refinement sets the maximum to 100 (declared at t.kgl:5:19), looser than the base's 10 declared at t.kgl:1:23; a refinement may only narrow its base"
        ])
    }

    @Test func boundsThroughSeveralNamesAndRefinementsAreTheTightestDeclared() {
        // Small narrows Replicas to <=5; refining Small's field to <=8 widens Small's bound, not Replicas'.
        let kgl = Self.named + "type Small = Base { replicas: <=5 }\ntype W = Small { replicas: <=8 }\n"
        #expect(Self.diagnostics(kgl) == [
            "6:28 kgl-refinement-widens: replicas: the refinement sets the maximum to 8, looser than the base's 5 declared at t.kgl:5:31; a refinement may only narrow its base"
        ])
    }

    @Test func aRefinementThatNarrowsANamedTypeIsCheckedAgainstBoth() throws {
        let kgl = Self.named + "type W = Base { replicas: 2..5, memory: <=512Mi, name: len(..8) }\n"
        #expect(Self.diagnostics(kgl) == [])
        #expect(try Self.check(kgl, "W", "{replicas: 5, memory: 512Mi, name: abcdefgh}") == [])
        #expect(try Self.check(kgl, "W", "{replicas: 6, memory: 600Mi, name: ab}").count == 3)
        #expect(try Self.check(kgl, "W", "{replicas: 1, memory: 1Mi, name: abcdefghi}").count == 2)
    }

    @Test func anExclusiveBoundIsTighterThanTheSameInclusiveOne() {
        let kgl = "type A = { n: int & <10 }\n"
        #expect(Self.diagnostics(kgl + "type B = A { n: <=10 }\n") == [
            "2:17 kgl-refinement-widens: n: the refinement sets the maximum to 10, looser than the base's 10 (exclusive) declared at t.kgl:1:21; a refinement may only narrow its base"
        ])
        #expect(Self.diagnostics(kgl + "type B = A { n: <9 }\n") == [])
    }
}
