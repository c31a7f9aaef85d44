import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct Propose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a difficulty or proposal (khó khăn, kiến nghị) to a district office, with evidence files if any.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The topic, e.g. \"Dịch vụ công trực tuyến\".")
    var topic: String

    @Option(help: "What the difficulty is, or what the commune proposes.")
    var text: String

    @Option(help: "The district office concerned, e.g. \"Phòng Tài chính - Kế hoạch\".")
    var office: String?

    @OptionGroup var evidence: EvidenceOptions

    @Option(help: "Who sends it (full name).")
    var by: String

    func run() async throws {
        let settings = try await AgentSettings.loadOrExit(file: evidence.config)
        try await reportingErrors {
            let store = try store.existing(AgentStore.self)
            let proposal = try await store.propose(topic: topic, text: text, office: office, by: by)
            try await evidence.attachAll(to: "proposals/\(proposal.id)", store: store, by: by, maxBytes: settings.maxFileBytes)
            print("Đã ghi kiến nghị \(proposal.id) (\(proposal.topic)); sẽ gửi lên huyện khi đồng bộ.")
        }
    }
}

struct Training: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign the commune up for training or support (đăng ký tập huấn, hỗ trợ) on a topic.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The topic, e.g. \"Chỉ số cải cách hành chính (PAR INDEX)\".")
    var topic: String

    @Option(parsing: .unconditional, help: "How many people would attend (1–500).")
    var people: Int

    @Option(help: "Their names and positions.")
    var names: String?

    @Option(help: "When suits the commune, e.g. \"Quý III/2026\".")
    var period: String?

    @Option(help: "Who signs up (full name).")
    var by: String

    func run() async throws {
        try await reportingErrors {
            let request = try await store.existing(AgentStore.self)
                .requestTraining(topic: topic, people: people, names: names, period: period, by: by)
            print("Đã đăng ký tập huấn \"\(request.topic)\" cho \(request.people) người; sẽ gửi lên huyện khi đồng bộ.")
        }
    }
}

struct Inbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What the district sent back: answers to proposals, training requests and sessions, returned reports.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let inbox = try await store.existing(AgentStore.self).inbox()
            if json { return try printJSON(inbox) }
            print("Kiến nghị (\(inbox.proposals.count)):")
            for proposal in inbox.proposals {
                print("  \(proposal.id) · \(proposal.topic)\(proposal.office.map { " → \($0)" } ?? "") · \(proposal.state.label)")
                if let answer = proposal.answer { print("      Huyện trả lời: \(answer)") }
            }
            print("Đăng ký tập huấn (\(inbox.training.count)):")
            for request in inbox.training { print("  \(request.topic) · \(request.people) người · \(request.state.label)") }
            print("Lớp tập huấn xã được mời (\(inbox.sessions.count)):")
            for session in inbox.sessions {
                print("  \(VietnameseFormat.day(session.date)) · \(session.topic) · \(session.place)\(session.trainer.map { " · \($0)" } ?? "")")
            }
            print("Báo cáo huyện trả lại (\(inbox.returned.count)):")
            for task in inbox.returned { print("  \(task.id) \(task.title): \(task.reviewNote ?? "")") }
        }
    }
}
