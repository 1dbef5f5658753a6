using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ModelCost.PS.Commands;
using Xunit;

namespace ModelCost.PS.Tests;

/// <summary>
/// PowerShell 7.6.9 hosted in the test process, with ModelCost.PS imported from this test's output folder
/// (ModelCost.Core resolves in the default load context here) and the test's own probe cmdlets added.
/// </summary>
internal static class PowerShellHost
{
    public static PowerShell Create()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(typeof(MeasureModelCostCommand).Assembly.Location);
        iss.Commands.Add(new SessionStateCmdletEntry("Invoke-PumpProbe", typeof(PumpProbeCommand), null));
        return PowerShell.Create(iss);
    }

    /// <summary>Runs a script in a fresh runspace; returns the output and the PowerShell (for its streams).</summary>
    public static (Collection<PSObject> Output, PowerShell Shell) Run(string script, params object[] arguments)
    {
        var ps = Create();
        ps.AddScript(script);
        foreach (var a in arguments) ps.AddArgument(a);
        return (ps.Invoke(), ps);
    }

    /// <summary>The one error a script wrote (or the terminating one it threw).</summary>
    public static ErrorRecord SingleError(string script, params object[] arguments)
    {
        try
        {
            var (_, ps) = Run(script, arguments);
            using (ps) return Assert.Single(ps.Streams.Error);
        }
        catch (RuntimeException ex)
        {
            return ex.ErrorRecord;
        }
    }
}
