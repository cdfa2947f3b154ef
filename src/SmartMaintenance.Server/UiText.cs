namespace SmartMaintenance.Server;

/// <summary>
/// The web UI's texts: <c>Resources/UiText.resx</c> (English) and <c>Resources/UiText.pt.resx</c> (Portuguese).
/// A text's key is its English wording, so a page reads as it renders; a test keeps both files complete.
/// </summary>
public sealed class UiText
{
    /// <summary>The languages the UI speaks; the first is the default.</summary>
    public static readonly string[] Cultures = ["en", "pt-PT"];
}
