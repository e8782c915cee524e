/// A palette PNG (colour type 3, 8 bits a pixel) of a bitmap: what channels upload, attach or inline.
public enum PNG {
    public struct Color: Sendable, Equatable {
        public let red: UInt8, green: UInt8, blue: UInt8
        public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }
    }

    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    public static func encode(_ bitmap: Bitmap, palette: [Color]) -> [UInt8] {
        precondition(!palette.isEmpty && palette.count <= 256, "a PNG palette has 1 to 256 colours")
        var header: [UInt8] = []
        header += bigEndian(UInt32(bitmap.width)) + bigEndian(UInt32(bitmap.height))
        header += [8, 3, 0, 0, 0]  // 8 bits, palette, deflate, adaptive filtering, no interlace
        // Each row: filter type 0 (none), then its pixels; the compressor finds the row above itself.
        var raw: [UInt8] = []
        raw.reserveCapacity((bitmap.width + 1) * bitmap.height)
        for row in 0..<bitmap.height {
            raw.append(0)
            raw += bitmap.pixels[(row * bitmap.width)..<((row + 1) * bitmap.width)]
        }
        return signature + chunk("IHDR", header) + chunk("PLTE", palette.flatMap { [$0.red, $0.green, $0.blue] })
            + chunk("IDAT", Deflate.zlib(raw, rowLength: bitmap.width + 1)) + chunk("IEND", [])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

    static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
