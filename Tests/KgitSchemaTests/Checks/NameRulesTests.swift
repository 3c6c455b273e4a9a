import KgitSchema
import Testing

@Suite struct NameRulesTests {
    @Test(arguments: [
        ("web", true), ("web-1", true), ("1web", true), ("a", true), (String(repeating: "a", count: 63), true),
        (String(repeating: "a", count: 64), false), ("Web", false), ("web_1", false), ("-web", false), ("web-", false),
        ("web.example", false), ("", false),
    ])
    func dns1123LabelsAreLowercaseAlphanumericWithInnerDashes(name: String, valid: Bool) {
        #expect((NameRules.dns1123Label(name) == nil) == valid)
    }

    @Test(arguments: [
        ("web", true), ("web.example.com", true), ("a-b.c-d", true), ("web..example", false), (".web", false),
        ("web.", false), ("Web.example", false), (String(repeating: "a.", count: 126) + "a", true),
        (String(repeating: "a.", count: 127) + "a", false),
    ])
    func dns1123SubdomainsAreDotSeparatedLabels(name: String, valid: Bool) {
        #expect((NameRules.dns1123Subdomain(name) == nil) == valid)
    }

    @Test(arguments: [("web", true), ("web-1", true), ("1web", false), ("a", true), ("web.x", false)])
    func dns1035LabelsStartWithALetter(name: String, valid: Bool) {
        #expect((NameRules.dns1035Label(name) == nil) == valid)
    }

    @Test(arguments: [
        ("app", true), ("app.kubernetes.io/name", true), ("example.com/My_Key.1", true), ("a/b/c", false),
        ("/name", false), ("Example.com/name", false), ("app.kubernetes.io/", false), ("-app", false),
        ("app-", false), (String(repeating: "k", count: 64), false), ("k8s.io/" + String(repeating: "k", count: 63), true),
    ])
    func qualifiedNamesHaveAnOptionalDNSPrefix(key: String, valid: Bool) {
        #expect((NameRules.qualifiedName(key) == nil) == valid)
    }

    @Test(arguments: [("", true), ("v1.2.3", true), ("My_Value", true), ("-v", false), ("v-", false), ("a b", false), (String(repeating: "v", count: 64), false)])
    func labelValuesMayBeEmpty(value: String, valid: Bool) {
        #expect((NameRules.labelValue(value) == nil) == valid)
    }

    @Test(arguments: [
        ("http", true), ("http-alt", true), ("metrics9", true), ("8080", false), ("HTTP", false), ("-http", false),
        ("http--alt", false), ("a-very-long-port-name", false), ("web_ui", false),
    ])
    func portNamesAreIANAServiceNames(name: String, valid: Bool) {
        #expect((NameRules.portName(name) == nil) == valid)
    }

    /// The reasons keep their order of precedence: characters, then a letter, then the ends, then `--`.
    @Test(arguments: [
        ("", "must not be empty"), (String(repeating: "a", count: 16), "must be no more than 15 characters, found 16"),
        ("ab--X", "must contain only lowercase letters, digits and '-'"), ("-1-", "must contain at least one letter"),
        ("--a", "must not start or end with '-'"), ("a--", "must not start or end with '-'"), ("a--b", "must not contain '--'"),
    ])
    func portNameReasonsKeepTheirPrecedence(name: String, reason: String) {
        #expect(NameRules.portName(name) == reason)
    }

    @Test(arguments: [("PATH", true), ("my.var-1", true), ("1ST", true), ("A=B", false), ("", false), ("TAB\t", false)])
    func environmentVariableNamesArePrintableASCIIWithoutEquals(name: String, valid: Bool) {
        #expect((NameRules.environmentVariableName(name) == nil) == valid)
    }

    @Test(arguments: [("app.properties", true), ("KEY_1", true), ("..", false), ("a/b", false), ("a b", false)])
    func configMapKeysAreFileNameSafe(key: String, valid: Bool) {
        #expect((NameRules.configMapKey(key) == nil) == valid)
    }

    @Test(arguments: [("admin", true), ("system:controller:x", true), ("a/b", false), ("a%2F", false), ("..", false)])
    func rbacNamesArePathSegments(name: String, valid: Bool) {
        #expect((NameRules.pathSegmentName(name) == nil) == valid)
    }
}
