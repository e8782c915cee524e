/// A picture of palette indices, one byte a pixel, row after row: what the charts draw on and the
/// PNG encoder writes. Drawing outside it is clipped.
public struct Bitmap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, fill: UInt8 = 0) {
        precondition(width > 0 && height > 0, "a bitmap has pixels")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: fill, count: width * height)
    }

    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            pixels[y * width + x] = newValue
        }
    }

    /// Fills the rectangle from (`x`, `y`), `w` wide and `h` high.
    public mutating func fill(x: Int, y: Int, w: Int, h: Int, _ color: UInt8) {
        let left = max(0, x), right = min(width, x + w), top = max(0, y), bottom = min(height, y + h)
        guard left < right, top < bottom else { return }
        for row in top..<bottom {
            let start = row * width
            for column in left..<right { pixels[start + column] = color }
        }
    }

    /// Writes `text` with its top left at (`x`, `y`), each font pixel `scale` pixels square.
    /// Returns the width written.
    @discardableResult
    public mutating func text(_ text: String, x: Int, y: Int, scale: Int = 1, _ color: UInt8) -> Int {
        var cursor = x
        for character in text.uppercased() {
            let rows = PixelFont.glyph(character)
            for (row, bits) in rows.enumerated() {
                for column in 0..<PixelFont.width where bits & (1 << (PixelFont.width - 1 - column)) != 0 {
                    fill(x: cursor + column * scale, y: y + row * scale, w: scale, h: scale, color)
                }
            }
            cursor += PixelFont.advance * scale
        }
        return cursor - x
    }

    /// The width `text` takes at `scale`.
    public static func textWidth(_ text: String, scale: Int = 1) -> Int { text.count * PixelFont.advance * scale - scale }
}
