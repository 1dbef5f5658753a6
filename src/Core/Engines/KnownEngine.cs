namespace ModelCost.Core.Engines;

/// <summary>An engine name the catalogue knows even when the engine is not installed, with how to install it.</summary>
public sealed record KnownEngine(string Name, string Description, string InstallHint);
