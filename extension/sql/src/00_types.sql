-- pgml: machine learning inside PostgreSQL (PostgresML-compatible SQL, engine in C# NativeAOT).

-- ---------------------------------------------------------------- enums (PostgresML's names and order)

CREATE TYPE pgml.task AS ENUM ('regression', 'classification', 'decomposition', 'clustering',
    'question_answering', 'summarization', 'translation', 'text_classification', 'text_generation',
    'text2text', 'embedding', 'text_pair_classification', 'conversation');

CREATE TYPE pgml.algorithm AS ENUM ('linear', 'xgboost', 'xgboost_random_forest', 'svm', 'lasso', 'elastic_net',
    'ridge', 'kmeans', 'dbscan', 'knn', 'random_forest', 'least_angle', 'lasso_least_angle',
    'orthogonal_matching_pursuit', 'bayesian_ridge', 'automatic_relevance_determination',
    'stochastic_gradient_descent', 'perceptron', 'passive_aggressive', 'ransac', 'theil_sen', 'huber', 'quantile',
    'kernel_ridge', 'gaussian_process', 'nu_svm', 'ada_boost', 'bagging', 'extra_trees', 'gradient_boosting_trees',
    'hist_gradient_boosting', 'linear_svm', 'lightgbm', 'transformers', 'affinity_propagation', 'birch',
    'feature_agglomeration', 'mini_batch_kmeans', 'mean_shift', 'optics', 'spectral', 'spectral_bi', 'spectral_co',
    'catboost', 'pca');

CREATE TYPE pgml.runtime AS ENUM ('python', 'rust', 'openai');
CREATE TYPE pgml.strategy AS ENUM ('new_score', 'best_score', 'most_recent', 'rollback', 'specific');
CREATE TYPE pgml.search AS ENUM ('grid', 'random');
CREATE TYPE pgml.sampling AS ENUM ('random', 'last', 'stratified');
CREATE TYPE pgml.status AS ENUM ('in_progress', 'successful', 'failed');

