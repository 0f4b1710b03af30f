import NIOCore

extension Components.Schemas.LookupResult {
    /// The JSON `JSONEncoder` makes of this answer (keys sorted, slashes unescaped), written by hand
    /// for `LookupFastPath`; `JSONWriterTests` holds the two equal.
    var json: ByteBuffer {
        var writer = JSONWriter(capacity: 96 + customers.count * 160)
        writer.object { writer in
            writer.member("customers")
            writer.array(customers) { writer, customer in customer.write(to: &writer) }
            if let number {
                writer.member("number")
                writer.string(number)
            }
        }
        return writer.buffer
    }
}

extension Components.Schemas.CustomerSummary {
    func write(to writer: inout JSONWriter) {
        writer.object { writer in
            if let grade {
                writer.member("grade")
                writer.string(grade.rawValue)
            }
            writer.member("id")
            writer.integer(id)
            writer.member("kind")
            writer.string(kind.rawValue)
            writer.member("name")
            writer.string(name)
            if let ownerId {
                writer.member("ownerId")
                writer.integer(ownerId)
            }
            if let ownerName {
                writer.member("ownerName")
                writer.string(ownerName)
            }
            writer.member("phones")
            writer.array(phones) { writer, phone in phone.write(to: &writer) }
        }
    }
}

extension Components.Schemas.Phone {
    func write(to writer: inout JSONWriter) {
        writer.object { writer in
            if let id {
                writer.member("id")
                writer.integer(id)
            }
            writer.member("kind")
            writer.string(kind.rawValue)
            writer.member("number")
            writer.string(number)
        }
    }
}
