# The hub image: the same code as `npm start`, configured through the environment.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY . .
RUN npm ci --no-audit --no-fund && npm cache clean --force
EXPOSE 3000
USER node
CMD ["npm", "start"]
