/// One data row of a roster CSV: `unit,village_id,village_name,area,path,households`.
public struct VillageImportRow: Sendable, Equatable {
    /// The line number in the file (the header is line 1).
    public var line: Int
    public var unit: String
    public var villageID: String
    public var villageName: String
    public var area: String
    public var path: String
    public var households: String

    public init(line: Int, unit: String, villageID: String, villageName: String, area: String, path: String, households: String) {
        self.line = line
        self.unit = unit
        self.villageID = villageID
        self.villageName = villageName
        self.area = area
        self.path = path
        self.households = households
    }
}

public struct ImportResult: Sendable, Equatable {
    public var rows: Int
    public var villages: Int
    public var created: Int
    public var updated: Int
    /// Villages the file gives exactly as registered: not written again.
    public var unchanged: Int
}
