import ArgumentParser
import CLISupport
import Foundation
import SyncCore

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the periodic report to the district People's Committee (Decree 30/2020 layout).",
        discussion: """
            The figures are the hub's at the end of the period (today, for a period still running).
            The issuing office, the signer and the recipients come from the config's `report` keys.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "The period: 2026 (a year), 2026-H1 or 2026-H2, 2026-Q1 … 2026-Q4, or 2026-11 (a month).")
    var period: String

    @Option(help: "docx (Word, for sending) or html (a printable page).")
    var format: Format

    @Option(help: "The file to write.")
    var to: String

    @Option(help: "The config file (default /etc/district-hub/config.json when present).")
    var config: String?

    @Option(help: "The number the clerk registered it under (left blank otherwise).")
    var number: String?

    @Option(help: "Who signs; overrides the config's report.signer.")
    var signer: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case docx, html
    }

    func validate() throws {
        guard ReportPeriod(period) != nil else {
            throw ValidationError("--period takes 2026, 2026-H1, 2026-Q4 or 2026-11, not \(period)")
        }
    }

    func run() async throws {
        let settings = try await HubSettings.loadOrExit(file: config)
        try await reportingErrors {
            var heading = settings.report
            heading.number = number
            heading.signer = signer ?? heading.signer
            let report = try await PeriodicReport.make(try store.existing(HubStore.self), period: ReportPeriod(period)!, heading: heading,
                                                       today: CalendarDay(millis: Int64(Date().timeIntervalSince1970 * 1000)))
            let data = switch format {
            case .docx: try report.word().data(created: Date())
            case .html: Data(report.htmlDocument(styles: .inline).markup.utf8)
            }
            do {
                try data.write(to: URL(fileURLWithPath: to), options: .atomic)
            } catch {
                throw SyncError(.storage, "cannot write \(to): \(error.localizedDescription)")
            }
            print("wrote \(to): báo cáo \(report.subject)")
        }
    }
}
