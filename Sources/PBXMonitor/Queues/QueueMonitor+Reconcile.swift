import AMI

extension QueueMonitor {
    /// Checks the state events built against Asterisk's own counts (a `QueueSummary` listing): for
    /// each queue, the members logged in (not unavailable or invalid) and the callers in line, and
    /// which queues exist. Returns the queues that disagreed on this check and the one before: a
    /// missed event (an `eventfilter` or a lost link), not one still on its way. The owner then reloads
    /// `QueueStatus`, which clears the suspicion.
    public mutating func reconcile(summary items: [AMIMessage]) -> Set<String> {
        var disagreeing: Set<String> = []
        var listed: Set<String> = []
        for item in items where item.eventName == "QueueSummary" {
            guard let name = item["Queue"] else { continue }
            listed.insert(name)
            guard let queue = queues[name] else {
                disagreeing.insert(name)
                continue
            }
            let loggedIn = queue.members.values.filter { ![4, 5].contains($0.status) }.count
            if item["LoggedIn"].flatMap(Int.init) != loggedIn || item["Callers"].flatMap(Int.init) != queue.callers.count {
                disagreeing.insert(name)
            }
        }
        disagreeing.formUnion(Set(queues.keys).subtracting(listed))
        defer { summarySuspects = disagreeing }
        return disagreeing.intersection(summarySuspects)
    }
}
