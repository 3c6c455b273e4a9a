import ArgumentParser

/// `kgit explain CODE`: what a diagnostic code means and how to fix it.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Describe a diagnostic code.",
        discussion: """
            Every problem kgit reports carries a stable code, such as error[unknown-field]. `kgit explain CODE` \
            says what the code means and how to fix it; `kgit explain --list` lists every code.
            """
    )

    @Argument(help: "The code to describe, as printed in error[CODE].")
    var code: String?

    @Flag(help: "List every code with its one-line summary.")
    var list = false

    func run() throws {
        if list || code == nil {
            let width = ErrorCodes.all.map(\.code.count).max() ?? 0
            for entry in ErrorCodes.all {
                print(entry.code.padding(to: width) + "  " + entry.summary)
            }
            return
        }
        guard let code, let entry = ErrorCodes.lookup(code) else {
            throw ExitWith(message: "kgit explain: no diagnostic code \"\(code ?? "")\"; `kgit explain --list` lists them", code: 2)
        }
        print("\(entry.code): \(entry.summary)\n\n\(entry.explanation)")
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
