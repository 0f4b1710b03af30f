import AMI
import NIOCore
import NIOPosix
import Testing

@Suite("AMI client: tasks on the loop that reads the PBX")
struct AMIClientExecutorTests {
    @Test("a task preferring the client's executor runs on the client's loop, before and after it waits for another thread")
    func tasksRunOnTheReadingLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let client = AMIClient(configuration: AMIClientConfiguration(pbx: "main", host: "127.0.0.1", port: 1, username: "crmd", secret: "s"),
                               eventLoopGroup: group)
        let places = await withTaskExecutorPreference(client.taskExecutor) {
            var places = [loop.inEventLoop]
            // Resumed from another loop's thread: the task comes back to its own loop, not to that thread.
            let resumed = await withCheckedContinuation { continuation in
                MultiThreadedEventLoopGroup.singleton.next().execute { continuation.resume(returning: true) }
            }
            places.append(resumed && loop.inEventLoop)
            try? await Task.sleep(for: .milliseconds(5))
            places.append(loop.inEventLoop)
            return places
        }
        #expect(places == [true, true, true])
        #expect(!loop.inEventLoop, "outside the preference the test runs elsewhere")
        try await group.shutdownGracefully()
    }
}
