using System.Reflection;
using System.Text.RegularExpressions;
using ModelCost.Core.Errors;
using Xunit;

namespace ModelCost.Core.Tests.Architecture;

/// <summary>
/// The core speaks of models, files, options and values, never of the command line (issue 18): no string
/// literal in src/Core names a cmdlet, a -Parameter, $env: or $true/$false. The cmdlets add that wording
/// (ModelCost.PS's ErrorRecommendations). And every error id is declared once, in ErrorIds.
/// </summary>
public sealed partial class CoreWordingTests
{
    // A cmdlet name (Verb-ModelSomething / Verb-ModelCost…), a "-Parameter" after a space, quote or bracket, or PowerShell variables.
    [GeneratedRegex(@"\b(New|Import|Export|Get|Measure|Test|Invoke|Compare)-Model[A-Za-z]*|(^|[\s'(\[])-[A-Z][a-z]+[A-Za-z]*\b|\$env:|\$true|\$false")]
    private static partial Regex CmdletSyntax();

    // String literals, plain or interpolated, on one line (comments are removed first).
    [GeneratedRegex("\\$?@?\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    private static string CoreSource()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ModelCost.PS.sln"))) return Path.Combine(d.FullName, "src", "Core");
        throw new InvalidOperationException("Run from inside the repository.");
    }

    [Fact]
    public void No_string_in_the_core_uses_cmdlet_syntax()
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(CoreSource(), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            int n = 0;
            foreach (var raw in File.ReadLines(file))
            {
                n++;
                var code = raw.TrimStart().StartsWith("//", StringComparison.Ordinal) ? "" : raw;
                foreach (Match literal in StringLiteral().Matches(code))
                    if (CmdletSyntax().IsMatch(literal.Value))
                        found.Add($"{Path.GetFileName(file)}:{n}: {literal.Value}");
            }
        }
        Assert.True(found.Count == 0, "Cmdlet wording in the core:\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_pattern_catches_what_it_is_for()
    {
        Assert.Matches(CmdletSyntax(), "\"pass -InputShape (e.g. 28,28,1)\"");
        Assert.Matches(CmdletSyntax(), "\"(Measure-ModelCost)\"");
        Assert.Matches(CmdletSyntax(), "\"set $env:MODELCOST_DATA\"");
        Assert.DoesNotMatch(CmdletSyntax(), "\"a 64-bit count, x-axis, e-3, Keras-style, re-import\"");
    }

    [Fact]
    public void Every_error_id_is_declared_once_and_equals_its_name()
    {
        var fields = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToArray();
        Assert.NotEmpty(fields);
        Assert.All(fields, f => Assert.Equal(f.Name, (string)f.GetRawConstantValue()!));
        Assert.Equal(fields.Length, fields.Select(f => (string)f.GetRawConstantValue()!).Distinct().Count());
        // One place: no other type in the core declares error-id constants.
        var others = typeof(ErrorIds).Assembly.GetTypes().Where(t => t != typeof(ErrorIds) && t.Name.Contains("ErrorIds", StringComparison.Ordinal));
        Assert.Empty(others);
    }
}
