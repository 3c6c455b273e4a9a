/// Ends a command with a message on standard error and a chosen exit status.
struct ExitWith: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { message }
}
