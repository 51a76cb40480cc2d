/// A list that only grows, kept as pages of 64 chunks of 8 elements.
///
/// The WAL writer appends to a copy of the state that readers still share, so an append copies what it
/// touches. One flat array copied every earlier element (quadratic as a list grows); one level of chunks
/// copied the list of every chunk. Pages bound an append's copy to one chunk, one page of chunk references and
/// the list of pages (one per 512 elements).
public struct AppendOnlyList<Element: Sendable>: RandomAccessCollection, Sendable {
    private static var chunkBits: Int { 3 }
    private static var pageBits: Int { 9 }

    private var pages: [[[Element]]] = []
    public private(set) var count = 0

    public init() {}

    public init<S: Sequence>(_ elements: S) where S.Element == Element {
        for element in elements { append(element) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "AppendOnlyList index out of range")
        let chunkMask = (1 << (Self.pageBits - Self.chunkBits)) - 1
        return pages[position >> Self.pageBits][(position >> Self.chunkBits) & chunkMask][position & ((1 << Self.chunkBits) - 1)]
    }

    /// By index, not `pages.last?.last?.last`: each `.last` there copied out (retained) a whole inner array, and a
    /// report's latest revision is read on every submission.
    public var last: Element? { count == 0 ? nil : self[count - 1] }
    public var first: Element? { count == 0 ? nil : self[0] }

    public mutating func append(_ element: Element) {
        if count & ((1 << Self.pageBits) - 1) == 0 {
            pages.append([[element]])
        } else if count & ((1 << Self.chunkBits) - 1) == 0 {
            pages[pages.count - 1].append([element])
        } else {
            let page = pages.count - 1
            pages[page][pages[page].count - 1].append(element)
        }
        count += 1
    }
}

extension AppendOnlyList: Equatable where Element: Equatable {
    public static func == (a: AppendOnlyList, b: AppendOnlyList) -> Bool { a.elementsEqual(b) }
}
