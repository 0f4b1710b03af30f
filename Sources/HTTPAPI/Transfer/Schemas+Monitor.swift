import Foundation
import Workflows

extension Components.Schemas.QueueBoard {
    init(_ board: QueueBoard) throws {
        self.init(event: board.event, pbx: board.pbx, queue: board.queue,
                  callers: board.callers.map { .init(position: $0.position, number: $0.number, name: $0.name, waitingSince: $0.waitingSince) },
                  longestWaitSince: board.longestWaitSince, members: board.members,
                  figures: board.figures.map {
                      .init(answered: $0.answered, abandoned: $0.abandoned, shortAbandoned: $0.shortAbandoned, answeredInTime: $0.answeredInTime,
                            abandonedLate: $0.abandonedLate, serviceLevel: $0.serviceLevel, averageSpeedOfAnswer: $0.averageSpeedOfAnswer,
                            averageHandleTime: $0.averageHandleTime, thresholdSeconds: $0.thresholdSeconds,
                            shortAbandonSeconds: $0.shortAbandonSeconds, formula: $0.formula)
                  },
                  abandoned: board.abandoned.map {
                      .init(callId: Int64($0.callId), caller: $0.caller, at: $0.at, waited: $0.waited, taskId: $0.taskId.map(Int64.init),
                            calledBack: $0.calledBack)
                  })
    }
}

extension Components.Schemas.AgentBoard {
    init(_ board: AgentBoard) throws {
        guard let state = Components.Schemas.AgentState(rawValue: board.state) else { throw VocabularyGap(value: board.state, schema: "AgentState") }
        self.init(event: board.event, pbx: board.pbx, interface: board.interface, userId: board.userId.map(Int64.init), name: board.name,
                  _extension: board.extension, queues: board.queues, state: state, since: board.since, reason: board.reason,
                  overLimit: board.overLimit, caller: board.caller, queue: board.queue, callsToday: board.callsToday,
                  talkSecondsToday: board.talkSecondsToday, pauseSecondsToday: board.pauseSecondsToday)
    }
}
