import Secrets
import Testing

@Suite("Redaction: no secret in anything printed")
struct RedactionTests {
    @Test("a URL's password is masked, whatever characters it holds", arguments: [
        ("postgres://calldesk:pa#ss/wo?rd@db.local:5432/crm", "postgres://calldesk:***@db.local:5432/crm"),
        ("postgres://calldesk:p@ss@db.local/crm", "postgres://calldesk:***@db.local/crm"),
        ("http://crmd:crmd-secret@127.0.0.1:8088/ari", "http://crmd:***@127.0.0.1:8088/ari"),
        ("postgresql://u:%2F%3F@h/d?schema=x", "postgresql://u:***@h/d?schema=x"),
    ])
    func passwordsMasked(_ url: String, _ expected: String) {
        #expect(Redaction.url(url) == expected)
    }

    @Test("URLs without a password are printed as they are", arguments: [
        "sqlite:///var/lib/calldesk/crm.sqlite", "http://127.0.0.1:8088", "postgres://calldesk@db/crm", "sqlite://relative.sqlite",
    ])
    func noPassword(_ url: String) {
        #expect(Redaction.url(url) == url)
    }

    @Test("text that cannot be read as a URL but may hold credentials is not echoed")
    func unreadable() {
        let shown = Redaction.url("calldesk:hunter2@db.local")
        #expect(!shown.contains("hunter2") && !shown.contains("calldesk"))
    }

    @Test("secret protocol fields are recognised in any case")
    func fields() {
        #expect(Redaction.isSecretField("Secret") && Redaction.isSecretField("KEY") && Redaction.isSecretField("password"))
        #expect(!Redaction.isSecretField("Username") && !Redaction.isSecretField("Channel"))
    }
}
