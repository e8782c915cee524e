/// Deflate (RFC 1951) in a zlib stream (RFC 1950), small and sufficient for charts: fixed Huffman
/// codes, and back-references found where a chart repeats itself: the pixel before, the row above,
/// and the last place the same three bytes were seen. A chart of flat colours shrinks a hundredfold.
public enum Deflate {
    /// The zlib stream of `data`: header, one fixed-Huffman block, Adler-32.
    public static func zlib(_ data: [UInt8], rowLength: Int = 0) -> [UInt8] {
        var writer = BitWriter()
        writer.bytes = [0x78, 0x01]
        writer.write(1, bits: 1)  // BFINAL: the only block
        writer.write(1, bits: 2)  // BTYPE 01: fixed Huffman codes
        var position = 0
        var lastSeen = [Int](repeating: -1, count: 1 << 15)
        func hash(_ at: Int) -> Int { (Int(data[at]) << 10 ^ Int(data[at + 1]) << 5 ^ Int(data[at + 2])) & 0x7FFF }
        /// How many bytes from `position` repeat those `distance` back (at most 258, deflate's longest).
        func match(at position: Int, distance: Int) -> Int {
            guard distance > 0, distance <= position, distance <= 32_768 else { return 0 }
            var length = 0
            while length < 258, position + length < data.count, data[position + length] == data[position + length - distance] { length += 1 }
            return length
        }
        while position < data.count {
            var bestLength = 0, bestDistance = 0
            if position + 2 < data.count {
                let key = hash(position)
                let seen = lastSeen[key] >= 0 ? position - lastSeen[key] : 0
                lastSeen[key] = position
                // The pixel before, the row above, the last place these three bytes were seen.
                // (Three values in a SIMD vector: no array on the heap for every byte of the picture.)
                let candidates = SIMD3(1, rowLength, seen)
                for index in candidates.indices {
                    let distance = candidates[index]
                    let length = match(at: position, distance: distance)
                    if length > bestLength { bestLength = length; bestDistance = distance }
                }
            }
            if bestLength >= 3 {
                writer.length(bestLength)
                writer.distance(bestDistance)
                // Later matches find the bytes inside this one too.
                var inside = position + 1
                while inside < position + bestLength && inside + 2 < data.count { lastSeen[hash(inside)] = inside; inside += 16 }
                position += bestLength
            } else {
                writer.literal(Int(data[position]))
                position += 1
            }
        }
        writer.literal(256)  // end of block
        writer.flush()
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        let adler = b << 16 | a
        return writer.bytes + [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
                               6145, 8193, 12_289, 16_385, 24_577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    struct BitWriter {
        var bytes: [UInt8] = []
        private var buffer: UInt32 = 0
        private var count = 0

        /// `bits` bits of `value`, least significant first (how deflate packs everything but codes).
        mutating func write(_ value: Int, bits: Int) {
            buffer |= UInt32(value) << UInt32(count)
            count += bits
            while count >= 8 {
                bytes.append(UInt8(buffer & 0xFF))
                buffer >>= 8
                count -= 8
            }
        }

        /// A Huffman code, most significant bit first.
        mutating func code(_ value: Int, bits: Int) {
            var reversed = 0
            for bit in 0..<bits where value & (1 << bit) != 0 { reversed |= 1 << (bits - 1 - bit) }
            write(reversed, bits: bits)
        }

        /// A literal byte, or 256 (end of block), or a length code, by the fixed table.
        mutating func literal(_ symbol: Int) {
            switch symbol {
            case 0...143: code(0x30 + symbol, bits: 8)
            case 144...255: code(0x190 + symbol - 144, bits: 9)
            case 256...279: code(symbol - 256, bits: 7)
            default: code(0xC0 + symbol - 280, bits: 8)
            }
        }

        mutating func length(_ length: Int) {
            let index = (lengthBase.lastIndex { $0 <= length })!
            literal(257 + index)
            if lengthExtra[index] > 0 { write(length - lengthBase[index], bits: lengthExtra[index]) }
        }

        mutating func distance(_ distance: Int) {
            let index = (distanceBase.lastIndex { $0 <= distance })!
            code(index, bits: 5)
            if distanceExtra[index] > 0 { write(distance - distanceBase[index], bits: distanceExtra[index]) }
        }

        mutating func flush() {
            if count > 0 { bytes.append(UInt8(buffer & 0xFF)) }
            buffer = 0
            count = 0
        }
    }
}
