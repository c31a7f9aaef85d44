import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct Proposals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the communes' difficulties and proposals, or answer one (--answer ID --text T --by NAME).")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this commune's (required with --answer).")
    var commune: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @Option(help: "The proposal to answer or take up.")
    var answer: String?

    @Option(help: "With --answer: the answer the commune reads.")
    var text: String?

    @Option(help: "With --answer: in_progress (taken up) or answered (the default).")
    var state = ProposalState.answered.rawValue

    @Option(help: "With --answer: who answers (full name).")
    var by: String?

    func run() async throws {
        try await reportingErrors {
            let store = try store.existing(HubStore.self)
            if let answer {
                guard let commune, let by else { throw SyncError(.invalidInput, "--answer needs --commune and --by") }
                guard let state = ProposalState(rawValue: state) else { throw SyncError(.invalidInput, "--state must be in_progress or answered") }
                try await store.answerProposal(commune: commune, id: answer, state: state, answer: text, by: by)
                print("\(commune)/\(answer): \(state.rawValue)")
                return
            }
            let proposals = try await store.proposals(commune: commune)
            if json {
                print(String(decoding: try WireCoding.encode(proposals, pretty: true), as: UTF8.self))
                return
            }
            for proposal in proposals {
                print("\(proposal.commune)/\(proposal.id) · \(proposal.topic) → \(proposal.office ?? "—") · \(proposal.state.label) · \(proposal.by)")
                print("    \(proposal.text)")
                if let answer = proposal.answer { print("    Trả lời: \(answer)") }
            }
        }
    }
}

struct TrainingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "The communes' training requests by topic and the planned sessions, or plan one (--plan).")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @Flag(help: "Plan a session: --topic, --date, --place, --by; --communes defaults to those that asked.")
    var plan = false

    @Option(help: "With --plan: the topic.") var topic: String?
    @Option(help: "With --plan: the day, yyyy-MM-dd.") var date: String?
    @Option(help: "With --plan: where.") var place: String?
    @Option(help: "With --plan: who trains.") var trainer: String?
    @Option(help: "With --plan: the communes invited, comma-separated codes.") var communes: String?
    @Option(help: "With --plan: a note for the communes.") var note: String?
    @Option(help: "With --plan: who plans (full name).") var by: String?

    struct Listing: Encodable {
        var demand: [TrainingDemand]
        var sessions: [TrainingSession]
    }

    func run() async throws {
        try await reportingErrors {
            let store = try store.existing(HubStore.self)
            if plan {
                guard let topic, let date, let place, let by else { throw SyncError(.invalidInput, "--plan needs --topic, --date, --place and --by") }
                let askedFor = try await store.trainingDemand().first { RequestVocabulary.topicKey($0.topic) == RequestVocabulary.topicKey(topic) }
                let invited = communes.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? askedFor?.communes ?? []
                let session = try await store.planSession(topic: topic, date: date, place: place, trainer: trainer, communes: invited, note: note, by: by)
                print("session \(session.id) planned on \(session.date) for \(invited.joined(separator: ", "))")
                return
            }
            let listing = Listing(demand: try await store.trainingDemand(), sessions: try await store.sessions())
            if json {
                print(String(decoding: try WireCoding.encode(listing, pretty: true), as: UTF8.self))
                return
            }
            print("Nhu cầu tập huấn:")
            for demand in listing.demand {
                print("  \(demand.topic): \(demand.people) người, \(demand.communes.count) xã (\(demand.communes.joined(separator: ", "))); chờ xếp lớp \(demand.waiting) người")
            }
            print("Lớp đã lên kế hoạch:")
            for session in listing.sessions {
                print("  \(session.id) · \(VietnameseFormat.day(session.date)) · \(session.topic) · \(session.place) · \(session.communes.encoded)")
            }
        }
    }
}
