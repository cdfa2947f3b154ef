using System.Text.RegularExpressions;

using Microsoft.Extensions.Localization;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>
/// A field's validation message in the reader's language. The editors the pages share with the API answer in the API's
/// words (DataAnnotations' defaults, the field named as the API names it); under a form field the field is known, so
/// those become short texts of the resource files ("Required.", "1 to 200 characters."), and the editors' own messages
/// are looked up as they are.
/// </summary>
public static partial class ValidationText
{
    /// <summary>The resource texts this class may produce besides the editors' own messages.</summary>
    public static IReadOnlyList<string> Texts { get; } =
        ["Required.", "{0} to {1} characters.", "At most {0} characters.", "Letters, digits and . _ : - only, starting with a letter or digit (at most 128).", "From {0} to {1}."];

    public static string Of(IStringLocalizer texts, string message)
    {
        if (RequiredMessage().IsMatch(message))
        {
            return texts["Required."];
        }

        if (LengthMessage().Match(message) is { Success: true } length)
        {
            return texts["{0} to {1} characters.", length.Groups[1].Value, length.Groups[2].Value];
        }

        if (MaxLengthMessage().Match(message) is { Success: true } max)
        {
            return texts["At most {0} characters.", max.Groups[1].Value];
        }

        if (PatternMessage().IsMatch(message))
        {
            return texts["Letters, digits and . _ : - only, starting with a letter or digit (at most 128)."];
        }

        return RangeMessage().Match(message) is { Success: true } range
            ? texts["From {0} to {1}.", range.Groups[1].Value, range.Groups[2].Value]
            : texts[message];
    }

    [GeneratedRegex(@"^The \S+ field is required\.$")]
    private static partial Regex RequiredMessage();

    [GeneratedRegex(@"^The field \S+ must be a string with a minimum length of (\d+) and a maximum length of (\d+)\.$")]
    private static partial Regex LengthMessage();

    [GeneratedRegex(@"^The field \S+ must be a string with a maximum length of (\d+)\.$")]
    private static partial Regex MaxLengthMessage();

    [GeneratedRegex(@"^The field \S+ must match the regular expression '.*'\.$")]
    private static partial Regex PatternMessage();

    [GeneratedRegex(@"^The field \S+ must be between (\S+) and (\S+)\.$")]
    private static partial Regex RangeMessage();
}
