import Testing

@testable import KgitYAML

/// Same structure, resolved values (NaN equal to NaN, text for strings), key order and non-core tags;
/// positions, styles and anchors are ignored.
func structurallyEqual(_ a: Node, _ b: Node) -> Bool {
    switch (a.content, b.content) {
    case (.scalar(let x), .scalar(let y)):
        if case .float(let p) = x.value, case .float(let q) = y.value, p.isNaN && q.isNaN { return true }
        return x.value == y.value && a.customTag == b.customTag
    case (.sequence(let x), .sequence(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { structurallyEqual($0, $1) } && a.customTag == b.customTag
    case (.mapping(let x), .mapping(let y)):
        return x.count == y.count
            && zip(x, y).allSatisfy { structurallyEqual($0.key, $1.key) && structurallyEqual($0.value, $1.value) }
            && a.customTag == b.customTag
    default:
        return false
    }
}

extension Node {
    fileprivate var customTag: String? {
        guard let tag, !["!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq"].contains(tag) else {
            return nil
        }
        return tag
    }
}

/// Parses `text`, emits it as YAML, parses that again and checks both trees match; returns the YAML.
@discardableResult
func roundTrip(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let first = try YAMLParser.parse(text)
    let emitted = YAMLEmitter().yaml(first)
    let second: [Document]
    do {
        second = try YAMLParser.parse(emitted)
    } catch {
        Issue.record("emitted YAML does not parse: \(error)\n\(emitted)", sourceLocation: sourceLocation)
        throw error
    }
    #expect(first.count == second.count, "document count\n\(emitted)", sourceLocation: sourceLocation)
    for (a, b) in zip(first, second) {
        switch (a.root, b.root) {
        case (nil, nil): continue
        case (let x?, let y?):
            #expect(structurallyEqual(x, y), "round trip changed the tree:\n\(emitted)", sourceLocation: sourceLocation)
        default:
            Issue.record("an empty document changed:\n\(emitted)", sourceLocation: sourceLocation)
        }
    }
    return emitted
}

@Suite struct YAMLEmitterYAMLTests {
    @Test func writesBlockStyleWithTwoSpaceIndentation() throws {
        let root = try parseRoot("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: demo, labels: {app: web}}
            data:
              list: [a, b]
              nested: [[1, 2], {k: v, j: w}]
              empty: {}
              none: []
            """)
        #expect(YAMLEmitter().yaml(root) == """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: demo
              labels:
                app: web
            data:
              list:
                - a
                - b
              nested:
                - - 1
                  - 2
                - k: v
                  j: w
              empty: {}
              none: []

            """)
    }

    @Test func quotesStringsThatWouldReadAsSomethingElse() throws {
        let root = try parseRoot("""
            a: 'yes'
            b: '0755'
            c: '1e3'
            d: '1:30'
            e: '2024-01-02'
            f: ''
            g: 'null'
            h: '- x'
            i: 'a: b'
            j: 'x #y'
            k: ' padded '
            l: '@at'
            m: '---'
            nn: '1.2.3'
            o: '<<'
            p: '~'
            q: '.inf'
            """)
        #expect(YAMLEmitter().yaml(root) == """
            a: "yes"
            b: "0755"
            c: "1e3"
            d: "1:30"
            e: "2024-01-02"
            f: ""
            g: "null"
            h: "- x"
            i: "a: b"
            j: "x #y"
            k: " padded "
            l: "@at"
            m: "---"
            nn: "1.2.3"
            o: "<<"
            p: "~"
            q: ".inf"

            """)
    }

    @Test func leavesOrdinaryStringsPlain() throws {
        let root = try parseRoot("""
            image: "registry.example.com/app:1.0"
            args: ["--port", "-v"]
            url: "http://example.com/a#b"
            text: "héllo wörld"
            ratio: "3/4"
            """)
        #expect(YAMLEmitter().yaml(root) == """
            image: registry.example.com/app:1.0
            args:
              - --port
              - -v
            url: http://example.com/a#b
            text: héllo wörld
            ratio: 3/4

            """)
    }

    @Test func writesTypedScalarsCanonically() throws {
        let root = try parseRoot("a: 0x10\nb: 1_000\nc: Yes\nd: ~\ne: 1.50\nf: -.inf\ng: .NaN\nh: 1e+20\n")
        #expect(YAMLEmitter().yaml(root) == """
            a: 16
            b: 1000
            c: true
            d: null
            e: 1.5
            f: -.inf
            g: .nan
            h: 1e+20

            """)
    }

    @Test func escapesControlCharactersInDoubleQuotes() throws {
        let root = try parseRoot("a: \"tab\\tbell\\a\\u0001 quote\\\" back\\\\ nel\\N\"\n")
        #expect(YAMLEmitter().yaml(root) == "a: \"tab\\tbell\\a\\u0001 quote\\\" back\\\\ nel\\N\"\n")
    }

    @Test func writesMultiLineStringsAsLiteralBlocks() throws {
        let root = try parseRoot("""
            clip: "one\\ntwo\\n"
            strip: "one\\ntwo"
            keep: "one\\n\\n"
            indented: "  lead\\nnext\\n"
            items: ["a\\nb"]
            """)
        #expect(YAMLEmitter().yaml(root) == """
            clip: |
              one
              two
            strip: |-
              one
              two
            keep: |+
              one

            indented: |2
                lead
              next
            items:
              - |-
                a
                b

            """)
    }

    @Test func multiLineTextWithCarriageReturnsIsQuoted() throws {
        let root = try parseRoot("a: \"x\\r\\ny\"\n")
        #expect(YAMLEmitter().yaml(root) == "a: \"x\\r\\ny\"\n")
    }

    @Test func keepsKeyOrderOrSortsByBytesWhenAsked() throws {
        let root = try parseRoot("b: 1\na: 2\nZ: 3\né: 4\n")
        #expect(YAMLEmitter().yaml(root) == "b: 1\na: 2\nZ: 3\né: 4\n")
        #expect(YAMLEmitter(sortKeys: true).yaml(root) == "Z: 3\na: 2\nb: 1\né: 4\n")
    }

    @Test func keepsNonCoreTags() throws {
        let root = try parseRoot("a: !custom x\nb: !!str 12\nc: !!binary aGk=\nd: !thing {k: v}\n")
        #expect(YAMLEmitter().yaml(root) == """
            a: !custom x
            b: "12"
            c: !!binary aGk=
            d: !thing
              k: v

            """)
    }

    @Test func percentEncodesTagCharactersLibyamlCannotReadRaw() throws {
        let root = try parseRoot("- !e%C3%A9 x\n- !<tag:a%20b> w\n")
        #expect(root.sequence?.first?.tag == "!eé")
        #expect(YAMLEmitter().yaml(root) == "- !e%C3%A9 x\n- !<tag:a%20b> w\n")
    }

    @Test func writesComplexAndNonStringKeys() throws {
        let root = try parseRoot("1: int\ntrue: bool\n? [a, b]\n: seq\n")
        #expect(YAMLEmitter().yaml(root) == """
            1: int
            true: bool
            ? - a
              - b
            : seq

            """)
    }

    @Test func writesStreamsWithSeparatorsAndEmptyDocuments() throws {
        let docs = try parseOK("---\n---\na: 1\n---\n- x\n---\n")
        #expect(docs.count == 4)
        #expect(YAMLEmitter().yaml(docs) == "---\n---\na: 1\n---\n- x\n---\n")
    }

    @Test func writesRootScalars() throws {
        #expect(YAMLEmitter().yaml(try parseRoot("hello")) == "hello\n")
        #expect(YAMLEmitter().yaml(try parseRoot("\"a\\nb\"")) == "|-\n  a\n  b\n")
    }

    @Test func writesPlainValues() {
        let value = YAMLValue.mapping([
            .init(key: "name", value: .string("web")),
            .init(key: "replicas", value: .int(3)),
            .init(key: "ports", value: .sequence([.int(80), .string("443")])),
            .init(key: "on", value: .bool(true)),
        ])
        #expect(YAMLEmitter().yaml(value) == "name: web\nreplicas: 3\nports:\n  - 80\n  - \"443\"\n\"on\": true\n")
    }
}

@Suite struct YAMLEmitterJSONTests {
    @Test func writesCompactJSONTypedAsResolved() throws {
        let root = try parseRoot("""
            s: text
            q: "123"
            i: 0x1F
            f: 1.5
            b: no
            z: ~
            l: [1, two, {x: null}]
            e: {}
            a: []
            """)
        #expect(YAMLEmitter().json(root)
            == #"{"s":"text","q":"123","i":31,"f":1.5,"b":false,"z":null,"l":[1,"two",{"x":null}],"e":{},"a":[]}"#)
    }

    @Test func prettyJSONIndentsByTwoSpaces() throws {
        let root = try parseRoot("a: [1, {b: c}]\nd: {}\n")
        #expect(YAMLEmitter(prettyJSON: true).json(root) == """
            {
              "a": [
                1,
                {
                  "b": "c"
                }
              ],
              "d": {}
            }
            """)
    }

    @Test func sortsKeysWhenAsked() throws {
        let root = try parseRoot("b: 1\na: {z: 1, x: 2}\n")
        #expect(YAMLEmitter(sortKeys: true).json(root) == #"{"a":{"x":2,"z":1},"b":1}"#)
        #expect(YAMLEmitter().json(root) == #"{"b":1,"a":{"z":1,"x":2}}"#)
    }

    @Test func escapesStrings() throws {
        let root = try parseRoot(#"k: "quote\" back\\ nl\n tab\t cr\r bell\a é \u2028""#)
        #expect(YAMLEmitter().json(root) == "{\"k\":\"quote\\\" back\\\\ nl\\n tab\\t cr\\r bell\\u0007 é \u{2028}\"}")
    }

    @Test func singleLetterKeysAreBooleansAsInKubernetes() throws {
        // The YAML 1.1 trap: a key named y or n is a boolean, so its JSON name is "true" or "false".
        #expect(YAMLEmitter().json(try parseRoot("y: 1\nn: 2\n")) == #"{"true":1,"false":2}"#)
    }

    @Test func stringifiesNonStringKeys() throws {
        let root = try parseRoot("1: a\nyes: b\n~: c\n1.5: d\n[x]: e\n")
        #expect(YAMLEmitter().json(root) == #"{"1":"a","true":"b","null":"c","1.5":"d","[\"x\"]":"e"}"#)
    }

    @Test func writesNonFiniteFloatsAsStrings() throws {
        let root = try parseRoot("[.inf, -.inf, .nan, 1e+300, -0.0]")
        #expect(YAMLEmitter().json(root) == #"[".inf","-.inf",".nan",1e+300,-0.0]"#)
    }

    @Test func writesDocumentsAsJSONLines() throws {
        let docs = try parseOK("a: 1\n---\n---\n[x]\n")
        #expect(YAMLEmitter().json(docs) == "{\"a\":1}\nnull\n[\"x\"]\n")
    }
}

@Suite struct YAMLEmitterRoundTripTests {
    @Test(arguments: [
        "a: 1\nb: [x, 'y', \"z\"]\n",
        "- yes\n- 'yes'\n- 0755\n- '0755'\n- 1_000\n- 08\n- 1e3\n- 1e+3\n- .5\n- '.5'\n",
        "k: |\n  line 1\n    indented\n  line 3\n",
        "k: >\n  folded\n  text\n\n  para\n",
        "k: \"  leading\\n\\n\\ntrailing  \\n\\n\"\n",
        "k: \"\\t\\x01\\u00A0\\u2028\\uFEFF \\\\ \\\"\"\n",
        "k: \"\\n\"\n",
        "k: \"\\n\\nx\"\n",
        "k: \" \\n \"\n",
        "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",
        "? {a: 1}\n: complex\n? [1, 2]\n: seq\n",
        "{}: empty\n",
        "[]",
        "- []\n- {}\n- - []\n",
        "- - - deep\n",
        "a: !local x\nb: !!binary aGk=\nc: !<tag:example.com,2024:t> v\n",
        "日本語: \"値\"\n🎉: party\n",
        "---\n---\n- x\n---\n",
        "- -1\n- '-1'\n- -x\n- '- x'\n- '-'\n- '?'\n- '? x'\n- ':x'\n",
        "- \"a #b\"\n- \"a#b\"\n- \"a:b\"\n- \"a: b\"\n- \"x:\"\n",
        "- '...'\n- '--- x'\n- '..x'\n",
        "? \"multi\\nline key\"\n: v\n",
        "- [.inf, -.inf, .nan, -0.0, 1e+300, 5e-324, 0.1]\n",
        "- [9223372036854775807, -9223372036854775808, 18446744073709551615]\n",
        "- \"\\u0085\"\n- \"x\\u0085y\"\n- \"\\u00A0\"\n",
        "- !e%C3%A9 x\n- !!x%21y z\n- !<tag:a%20b> w\n- !a%2Cb {k: v}\n",
        "%TAG !e! tag:example.com,2000:\n---\n- !e!foo bar\n",
        "--- &a\n",
        "- &a k\n- {*a : 1}\n",
    ])
    func parseEmitParseKeepsTheTree(_ text: String) throws {
        try roundTrip(text)
    }

    @Test func longKeysUseTheExplicitForm() throws {
        let key = String(repeating: "k", count: 1500)
        let emitted = try roundTrip("? \(key)\n: v\n")
        #expect(emitted.hasPrefix("? "))
    }

    @Test func theBundledExampleManifestsRoundTrip() throws {
        let text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              annotations:
                note: "multi\\nline"
            spec:
              replicas: 2
              template:
                spec:
                  containers:
                    - name: main
                      image: nginx:1.27
                      args: ["--port", "8080"]
                      env:
                        - {name: A, value: "yes"}
                        - name: B
                          value: "0755"
            """
        try roundTrip(text)
    }
}
