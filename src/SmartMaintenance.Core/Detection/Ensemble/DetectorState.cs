namespace SmartMaintenance.Detection.Ensemble;

/// <summary>
/// Everything a <see cref="StreamingAnomalyDetector"/> has learned about its stream, as plain data: what a sensor agent
/// keeps in grain state so a restart goes on judging with the same baselines, seasonal profiles, contexts and
/// calibration instead of learning them again. Settings are not part of it: they come from the tenant at restore.
/// </summary>
public sealed record DetectorState(
    LevelState Level, SeasonalState Daily, SeasonalState Weekly, VolatilityState Volatility, ContextState Context,
    LikelihoodState[] Likelihoods, int SinceAlarm, long Count);

/// <summary>The level part's baseline (<see cref="RobustZScoreDetector"/>).</summary>
public sealed record LevelState(double Mean, double MeanAbsoluteDeviation, long Count);

/// <summary>A seasonal profile's bins (<see cref="SeasonalProfileDetector"/>); null arrays before the first interval is known.</summary>
public sealed record SeasonalState(
    double[]? Means, double[]? Deviations, byte[]? Seen, long BinSeconds, long FirstSeconds, long PreviousSeconds, double ResidualMad, long Residuals);

/// <summary>The volatility part's energies (<see cref="VolatilityShiftDetector"/>).</summary>
public sealed record VolatilityState(double Previous, double RecentEnergy, double LongRunEnergy, double LevelScale, double LevelMean, long Count);

/// <summary>The context part's table and recent levels (<see cref="ContextNoveltyDetector"/>).</summary>
public sealed record ContextState(byte[] Counts, int[] Recent, double Low, double High, int Filled, long Count);

/// <summary>One part's calibration (<see cref="AnomalyLikelihood"/>).</summary>
public sealed record LikelihoodState(double[] Recent, double RecentSum, int Next, long Count, double Mean, double Variance);

/// <summary>
/// Everything a <see cref="ResonanceAnomalyDetector"/> has learned, as plain data, with what it was told (range,
/// probation, bound on categories) so <see cref="ResonanceAnomalyDetector.Restore"/> rebuilds the same detector.
/// </summary>
public sealed record ResonanceState(
    double Min, double Max, int Probation, int MaxCategories,
    long Row, int Sampled, double[] Sample, double MovingAverage, int[] LevelCounts, int Median, int BelowMedian, int AboveMedian,
    int Steps, double[] Values, double[][] ProbationWindows,
    int LastAnomaly, double LastAnomalySimilarity, int LastVigilanceUpdate, bool MaskAfterCategory, int SinceNewCluster, double SimilaritySum,
    double AnomalySimilaritySum, int Anomalies, double LatestAnomalySimilarity,
    double[] Similarities, int SimilaritiesNext, double[] Shortfalls, int ShortfallsNext,
    ResonanceCategories Categories);

/// <summary>The resonance detector's categories (complement-coded weights), their clusters and its vigilances.</summary>
public sealed record ResonanceCategories(
    double[][] Weights, int[] Labels, long[] LastResonated, long Inputs, int Clusters, double LowerVigilance, double UpperVigilance);
