import Foundation

/// Writes a line to standard output at once (unbuffered), for output a person watches live.
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
