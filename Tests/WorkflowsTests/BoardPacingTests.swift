import Testing
@testable import Workflows

@Suite("Queue boards paced: at once when quiet, folded together when busy")
struct BoardPacingTests {
    let start = ContinuousClock.now

    @Test("a queue's first change goes out at once; changes within the interval wait for one flush, asked for once")
    func busyQueueFolds() {
        var pacing = BoardPacing(interval: .milliseconds(100))
        #expect(pacing.changed(["hotline"], at: start) == (["hotline"], false))
        #expect(pacing.changed(["hotline"], at: start + .milliseconds(10)) == ([], true))
        #expect(pacing.changed(["hotline"], at: start + .milliseconds(20)) == ([], false), "one flush is asked for, not one per change")
        #expect(pacing.held == ["hotline"])
        #expect(pacing.flush(at: start + .milliseconds(110)) == ["hotline"])
        #expect(pacing.held.isEmpty)
        #expect(pacing.changed(["hotline"], at: start + .milliseconds(150)) == ([], true), "the flush counts as the last board sent")
        #expect(pacing.flush(at: start + .milliseconds(250)) == ["hotline"])
    }

    @Test("queues are paced apart: a busy one holds back no quiet one")
    func queuesApart() {
        var pacing = BoardPacing(interval: .milliseconds(100))
        _ = pacing.changed(["hotline"], at: start)
        #expect(pacing.changed(["hotline", "vip"], at: start + .milliseconds(5)) == (["vip"], true))
        #expect(pacing.changed(["vip"], at: start + .milliseconds(120)) == (["vip"], false), "a flush is still asked for hotline")
        #expect(pacing.flush(at: start + .milliseconds(120)) == ["hotline"])
    }

    @Test("after a quiet interval a change goes out at once again; an interval of zero paces nothing")
    func quietAgain() {
        var pacing = BoardPacing(interval: .milliseconds(100))
        _ = pacing.changed(["hotline"], at: start)
        #expect(pacing.changed(["hotline"], at: start + .milliseconds(100)) == (["hotline"], false))
        var unpaced = BoardPacing(interval: .zero)
        for step in 0..<3 { #expect(unpaced.changed(["hotline"], at: start + .microseconds(step)) == (["hotline"], false)) }
    }
}
