import AMI
import NIOCore

/// A recorded AMI session (what Asterisk sent, what the client sent) cut into steps: for each
/// thing the client sent, the server messages that answered it and the events that followed.
public struct AMICapture: Sendable {
    /// One client transmission of the recording and Asterisk's messages that followed it.
    public struct Step: Sendable {
        /// The recorded action, or `nil` for a line Asterisk could not parse as one.
        public let action: AMIMessage?
        public let replies: [AMIMessage]
    }

    public let banner: String
    /// Server messages sent right after the banner, before the client said anything.
    public let greeting: [AMIMessage]
    public let steps: [Step]
    /// Whether Asterisk closed the socket after the last step (Logoff, failed login, Shutdown).
    public let serverCloses: Bool

    /// Cuts a capture given its two byte streams.
    public init(server: [UInt8], client: [UInt8]) {
        var serverParser = AMIFrameParser(expectBanner: true)
        var buffer = ByteBuffer(bytes: server)
        var banner = ""
        var serverMessages: [AMIMessage] = []
        while let frame = serverParser.next(&buffer) {
            switch frame {
            case .banner(let text): banner = text
            case .message(let message): serverMessages.append(message)
            case .protocolError: continue
            }
        }
        var clientParser = AMIFrameParser(expectBanner: false)
        var clientBuffer = ByteBuffer(bytes: client)
        var clientSteps: [AMIMessage?] = []
        while let frame = clientParser.next(&clientBuffer) {
            switch frame {
            case .message(let message): clientSteps.append(message)
            case .protocolError: clientSteps.append(nil)
            case .banner: continue
            }
        }

        // A response belongs to the client step with its ActionID (or, without one, to the next
        // unparsable step); everything else follows the latest response.
        var replies = Array(repeating: [AMIMessage](), count: clientSteps.count)
        var greeting: [AMIMessage] = []
        var current: Int?
        var answered = Set<Int>()
        for message in serverMessages {
            if case .response = message.kind {
                let index: Int? = if let id = message.actionID {
                    clientSteps.indices.first { !answered.contains($0) && clientSteps[$0]?.actionID == id }
                } else {
                    clientSteps.indices.first { !answered.contains($0) && clientSteps[$0] == nil }
                }
                if let index {
                    answered.insert(index)
                    current = max(current ?? index, index)
                    replies[index].append(message)
                    continue
                }
            }
            if let current { replies[current].append(message) } else { greeting.append(message) }
        }
        self.banner = banner
        self.greeting = greeting
        self.steps = zip(clientSteps, replies).map { Step(action: $0, replies: $1) }
        let last = serverMessages.last
        self.serverCloses = last.map { message in
            message["Response"] == "Goodbye" || message.eventName == "Shutdown" || message["Message"] == "Authentication failed"
        } ?? false
    }
}
