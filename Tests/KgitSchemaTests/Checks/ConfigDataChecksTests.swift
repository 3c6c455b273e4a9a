import KgitSchema
import Testing

@Suite struct ConfigDataChecksTests {
    @Test(arguments: [
        ("data: {app.properties: x}", [String]()),
        ("data: {conf/app: x}", ["invalid-data-key"]),
        ("data: {a: x}\nbinaryData: {a: eA==}", ["invalid-data-key"]),
    ])
    func configMapKeys(body: String, expected: [String]) throws {
        let found = try diagnostics("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n\(body)\n")
        #expect(codes(found) == expected)
    }

    @Test(arguments: [
        ("stringData: {password: hunter2}", [String]()),
        ("data: {password: aHVudGVyMg==}\nstringData: {password: hunter2}", [String]()),
        ("stringData: {\"my password\": x}", ["invalid-data-key"]),
    ])
    func secretKeys(body: String, expected: [String]) throws {
        let found = try diagnostics("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n\(body)\n")
        #expect(codes(found) == expected)
    }
}
