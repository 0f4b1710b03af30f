import Foundation

/// What Linux says a process costs: CPU seconds and anonymous resident memory (`/proc`).
enum ProcessFigures {
    /// User and system CPU seconds of a process (`/proc/PID/stat`).
    static func cpuSeconds(pid: Int32) throws -> Double {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = text[text.index(after: text.lastIndex(of: ")")!)...].split(separator: " ")
        return (Double(fields[11]) ?? 0) / 100 + (Double(fields[12]) ?? 0) / 100
    }

    /// Anonymous resident memory in MB (`RssAnon`: heap and stacks, what a leak grows; file-backed
    /// pages such as SQLite's are left out) of a process, or of this one when `pid` is `nil`.
    static func residentMB(pid: Int32?) throws -> Double {
        let text = try String(contentsOfFile: "/proc/\(pid.map(String.init) ?? "self")/status", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return kilobytes / 1024
    }
}
