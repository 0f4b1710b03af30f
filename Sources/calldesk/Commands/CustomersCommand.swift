import ArgumentParser
import CRM

struct CustomersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "customers", abstract: "Find, list duplicates of and merge customers.",
                                                    subcommands: [Find.self, Duplicates.self, Merge.self])

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Find customers by phone (any notation) or by part of the name.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "PHONE or NAME") var query: String

        func run() async throws {
            try await withStore(options) { store, _ in
                let found = try await store.findCustomers(query)
                if found.isEmpty { print("no customer matches '\(query)'") }
                for customer in found { print(CustomerLine(customer).text) }
            }
        }
    }

    struct Duplicates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List customers sharing a normalised phone number.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await withStore(options) { store, _ in
                let groups = try await store.duplicates()
                if groups.isEmpty { print("no shared numbers") }
                for group in groups {
                    print("\(group.e164) shared by \(group.customers.count):")
                    for customer in group.customers { print("  " + CustomerLine(customer).text) }
                }
            }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Merge DROP_ID into KEEP_ID (phones, leads, tasks, calls, interactions move).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Customer id to keep") var keepID: Int
        @Argument(help: "Customer id to merge away") var dropID: Int

        func run() async throws {
            try await withStore(options) { store, _ in
                let r = try await store.merge(keep: keepID, drop: dropID, actor: nil)
                print("merged \(r.droppedID) into \(r.keptID): \(r.phonesMoved) phones moved (\(r.phonesAlreadyPresent) already there), "
                    + "\(r.leadsMoved) leads, \(r.tasksMoved) tasks, \(r.callsMoved) calls, \(r.interactionsMoved) interactions, "
                    + "\(r.vehiclesMoved) vehicles, \(r.policiesMoved) policies, \(r.contactsMoved) contacts")
            }
        }
    }
}

/// One customer on one terminal line.
struct CustomerLine {
    let text: String
    init(_ customer: CustomerSummary) {
        let phones = customer.phones.map { "\($0.e164) (\($0.kind.rawValue))" }.joined(separator: ", ")
        text = "#\(customer.id) \(customer.name) [\(customer.kind.rawValue)] grade \(customer.grade?.rawValue ?? "-") owner \(customer.ownerName ?? "none (in a pool)") phones \(phones)"
    }
}
