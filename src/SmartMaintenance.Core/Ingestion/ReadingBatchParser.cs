namespace SmartMaintenance.Ingestion;

/// <summary>Picks the parser for a body's format; every ingestion entry point goes through here.</summary>
internal static class ReadingBatchParser
{
    public static void Parse(ReadOnlySpan<byte> body, ReadingFormat format, ReadingBatchBuilder builder)
    {
        switch (format)
        {
            case ReadingFormat.JsonArray:
                JsonReadingParser.ParseArray(body, builder);
                break;
            case ReadingFormat.NdJson:
                JsonReadingParser.ParseLines(body, builder);
                break;
            case ReadingFormat.Csv:
                CsvReadingParser.Parse(body, builder);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown body format.");
        }
    }
}
